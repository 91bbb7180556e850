using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Limits;

/// <summary>The limits admin API (/api/limits) on real nodes.</summary>
public sealed class AdminLimitsApiTests
{
    private static readonly object PerTenant = new { kind = "concurrency", match = new { by = "tenant" }, capacity = 10 };

    private static async Task<JsonElement?> FindAsync(AdminClient admin, string name)
    {
        foreach (var limit in (await admin.GetJsonAsync("/api/limits")).GetProperty("limits").EnumerateArray())
        {
            if (limit.GetProperty("name").GetString() == name) return limit;
        }
        return null;
    }

    [Fact]
    public async Task A_limit_is_saved_listed_and_deleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        using var saved = await admin.PutAsync("/api/limits/per-tenant", PerTenant);
        var listed = await FindAsync(admin, "per-tenant");
        using var deleted = await admin.DeleteAsync("/api/limits/per-tenant");
        using var deletedAgain = await admin.DeleteAsync("/api/limits/per-tenant");

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.NotNull(listed);
        Assert.Equal("concurrency", listed.Value.GetProperty("kind").GetString());
        Assert.Equal("api", listed.Value.GetProperty("origin").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        Assert.Null(await FindAsync(admin, "per-tenant"));
    }

    [Theory]
    [InlineData("""{"kind": "leaky_bucket", "match": {"by": "tenant"}, "capacity": 1}""", "kind")]
    [InlineData("""{"kind": "fixed_window", "match": {"by": "tenant"}, "capacity": 5}""", "period")]
    [InlineData("""{"kind": "concurrency", "match": {"by": "args"}, "capacity": 5}""", "match.field")]
    [InlineData("""{"kind": "concurrency", "match": {"by": "tenant"}, "capacity": 0}""", "capacity")]
    [InlineData("""{"kind": "concurrency", "match": {"by": "tenant"}, "capacity": 2, "mode": "rate"}""", "concurrency")]
    [InlineData("""{"kind": "concurrency", "capacity": "many"}""", "capacity")]
    public async Task A_bad_definition_gets_400_naming_the_field(string body, string named)
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        using var response = await admin.SendRawAsync(HttpMethod.Put, "/api/limits/bad", body);
        var error = (await AdminClient.ReadAsync(response)).GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Null(await FindAsync(admin, "bad"));
    }

    [Fact]
    public async Task Limits_from_limits_json_are_listed_as_file_limits_and_cannot_be_deleted()
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(LimitJobs.PerHost(3)));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var listed = await FindAsync(admin, "per-host");
        using var delete = await admin.DeleteAsync("/api/limits/per-host");

        Assert.NotNull(listed);
        Assert.Equal("file", listed.Value.GetProperty("origin").GetString());
        Assert.Equal(3, listed.Value.GetProperty("capacity").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    [Fact]
    public async Task A_limit_saved_on_one_node_is_live_on_another()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        using var first = new AdminClient(cluster.Nodes[0].HttpAddress);
        using var second = new AdminClient(cluster.Nodes[1].HttpAddress);

        using var saved = await first.PutAsync("/api/limits/per-tenant", PerTenant);
        await cluster.Nodes[1].Signals.LimitsReloaded.WaitUntilAsync(
            async () => await FindAsync(second, "per-tenant") is not null, TimeSpan.FromSeconds(10), "the second node to list the limit saved on the first");

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.NotNull(await FindAsync(second, "per-tenant"));
    }
}
