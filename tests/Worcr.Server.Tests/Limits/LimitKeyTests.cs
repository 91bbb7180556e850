using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Limits;

/// <summary>Limit keys are computed at enqueue and become part of the job's lane.</summary>
public sealed class LimitKeyTests
{
    private static async Task<string[]> LaneKeysOfAsync(TestCluster cluster, string jobId)
    {
        await using var command = cluster.Database.DataSource.CreateCommand(
            $"SELECT l.limit_keys FROM \"{cluster.Schema}\".jobs j JOIN \"{cluster.Schema}\".lanes l ON l.id = j.lane_id WHERE j.id = @id");
        command.Parameters.AddWithValue("id", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture));
        return (string[])(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Keys_come_from_limit_definitions_and_limit_key_rules_and_split_lanes()
    {
        var perTenant = new { name = "per-tenant", kind = "concurrency", match = new { by = "tenant" }, capacity = 50 };
        using var rules = new RuleFiles().WithExample("host-limit-key.lua").With("limits.json", LimitJobs.File(perTenant));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var client = cluster.Client();

        var withUrl = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = """{"url": "https://API.example.com/pay"}""" });
        var withoutUrl = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = "{}" });

        Assert.Equal(["host:api.example.com", "tenant:acme"], await LaneKeysOfAsync(cluster, withUrl));
        Assert.Equal(["tenant:acme"], await LaneKeysOfAsync(cluster, withoutUrl));
    }
}
