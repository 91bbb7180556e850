using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>A node started with credentials serves the admin API only to callers with the operator key.</summary>
public sealed class AdminApiAuthenticationTests : IAsyncLifetime
{
    private const string ApiKey = "admin-key-5d1e";
    private const string RuleBody = """{"kind": "weight", "language": "lua", "code": "function weight(job, worker) return 1 end"}""";
    private const string ExplainBody = """{"job": {"type": "test.echo", "tenant": "acme"}, "worker": {"tags": []}}""";
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(configure: o =>
    {
        o.AllowUnauthenticated = false;
        o.ApiKey = ApiKey;
        o.WorkerToken = "worker-token-0b7c";
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public static TheoryData<string, string, string?> Endpoints => new()
    {
        { "GET", "/api/rules", null },
        { "PUT", "/api/rules/auth-probe", RuleBody },
        { "DELETE", "/api/rules/auth-probe", null },
        { "POST", "/api/rules/validate", RuleBody },
        { "POST", "/api/rules/explain", ExplainBody },
    };

    private async Task<HttpResponseMessage> SendAsync(string? apiKey, string method, string path, string? body)
    {
        using var admin = new AdminClient(_cluster.Nodes[0].HttpAddress, apiKey);
        return await admin.SendRawAsync(new HttpMethod(method), path, body ?? "");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Call_without_a_key_gets_401_with_a_json_error(string method, string path, string? body)
    {
        using var response = await SendAsync(null, method, path, body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("API key", (await AdminClient.ReadAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Call_with_a_wrong_key_gets_401(string method, string path, string? body)
    {
        using var response = await SendAsync("admin-key-wrong", method, path, body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Refused_save_stores_nothing_and_the_right_key_saves()
    {
        using (await SendAsync("admin-key-wrong", "PUT", "/api/rules/auth-save", RuleBody)) { }
        var before = await _cluster.Database.Rules.GetAsync("auth-save");

        using var response = await SendAsync(ApiKey, "PUT", "/api/rules/auth-save", RuleBody);

        Assert.Null(before);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(await _cluster.Database.Rules.GetAsync("auth-save"));
    }

    [Fact]
    public async Task Listing_with_the_right_key_answers_200()
    {
        using var response = await SendAsync(ApiKey, "GET", "/api/rules", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await AdminClient.ReadAsync(response)).TryGetProperty("rules", out _));
    }
}
