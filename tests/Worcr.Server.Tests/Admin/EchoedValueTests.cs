using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// Error messages echoed path and body values in full: a 2,000-character cron schedule or rule name came back whole in
/// the 404 or 400 ("No cron schedule named 'xxxx…2,000…'"), and so did a kind, an action, a cron expression or a time
/// zone. Every echoed value now goes through one helper (TextCheck.Quote): at most 40 characters, then "…" and the
/// length.
/// </summary>
public sealed class EchoedValueTests : IClassFixture<AdminNodeFixture>
{
    private static readonly string Long = new('x', 2_000);
    private static readonly object CronJob = new { type = "test.echo", tenant = "acme" };

    private readonly AdminClient _admin;

    public EchoedValueTests(AdminNodeFixture fixture) => _admin = fixture.Admin;

    public static TheoryData<string, string, string, object?> LongValues => new()
    {
        { "cron name, not found", "GET", $"/api/cron/{Long}", null },
        { "cron name, deleted", "DELETE", $"/api/cron/{Long}", null },
        { "cron name, saved", "PUT", $"/api/cron/{Long}", new { expression = "0 2 * * *", job = CronJob } },
        { "cron expression", "PUT", "/api/cron/echo-cron", new { expression = Long, job = CronJob } },
        { "cron expression of five fields", "PUT", "/api/cron/echo-cron", new { expression = $"0 2 * * {Long}", job = CronJob } },
        { "cron time zone", "PUT", "/api/cron/echo-cron", new { expression = "0 2 * * *", time_zone = Long, job = CronJob } },
        { "rule name, deleted", "DELETE", $"/api/rules/{Long}", null },
        { "rule name, saved", "PUT", $"/api/rules/{Long}", new { kind = "weight", language = "lua", code = "function weight() return 1 end" } },
        { "rule kind", "PUT", "/api/rules/echo-rule", new { kind = Long, language = "lua", code = "" } },
        { "rule language", "PUT", "/api/rules/echo-rule", new { kind = "weight", language = Long, code = "" } },
        { "tag-match action", "PUT", "/api/rules/echo-rule", new { kind = "weight", language = "tag_match", tag_match = new { action = Long } } },
        { "plan name, deleted", "DELETE", $"/api/plans/{Long}", null },
        { "tenant name, deleted", "DELETE", $"/api/tenants/{Long}", null },
        { "tenant's plan", "PUT", "/api/tenants/acme", new { plan = Long } },
        { "tenant key id", "DELETE", $"/api/tenants/acme/keys/{Long}", null },
        { "limit name, deleted", "DELETE", $"/api/limits/{Long}", null },
        { "webhook name, not found", "GET", $"/api/webhooks/{Long}", null },
        { "webhook event", "PUT", "/api/webhooks/echo-hook", new { url = "http://127.0.0.1:9/", secret = "echo-secret", events = new[] { Long } } },
        { "worker id, drained", "POST", $"/api/workers/{Long}/drain", new { } },
        { "job id", "GET", $"/api/jobs/{Long}", null },
        { "job state query", "GET", $"/api/jobs?state={Long}", null },
        { "job time query", "GET", $"/api/jobs?from={Long}", null },
        { "job number query", "GET", $"/api/jobs?limit={Long}", null },
    };

    [Theory]
    [MemberData(nameof(LongValues))]
    public async Task A_long_value_in_an_error_is_cut_to_a_few_dozen_characters_with_an_ellipsis(string what, string method, string path, object? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = JsonContent(body);

        using var response = await _admin.SendAsync(request);
        var error = (await AdminClient.ReadAsync(response)).GetProperty("error").GetString()!;

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{what}: {response.StatusCode} {error}");
        Assert.True(error.Length < 400 && !error.Contains(new string('x', 41), StringComparison.Ordinal), $"{what}: {error.Length} characters: {error[..Math.Min(error.Length, 200)]}");
        Assert.Matches(@"x'… \(20\d\d characters\)", error);
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
