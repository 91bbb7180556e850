using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Maintenance;

/// <summary>
/// A schedule's first tick after a save comes from PostgreSQL's clock, the one every firing decision uses: a node
/// whose own clock is off neither delays the first fire nor fires a tick at once that has not come.
/// </summary>
public sealed class CronClockTests
{
    // Well past the hourly schedule's period, so a first tick computed from the node's clock cannot pass for one from PostgreSQL's.
    private static readonly TimeSpan Skew = TimeSpan.FromHours(6);

    [Fact]
    public async Task A_schedule_saved_through_a_node_with_a_skewed_clock_first_fires_at_the_databases_next_tick()
    {
        await using var cluster = await TestCluster.StartAsync(time: new SkewedClock(Skew));
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var before = await DatabaseNowAsync(cluster);
        var response = await admin.PutAsync("/api/cron/hourly", new { expression = "0 * * * *", job = new { type = "test.echo", tenant = "acme" } });
        var after = await DatabaseNowAsync(cluster);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        AssertFirstTickFollows((await cluster.Database.Cron.GetAsync("hourly"))!.NextFireAt, before, after);
    }

    [Fact]
    public async Task A_schedules_json_loaded_by_a_node_with_a_skewed_clock_first_fires_at_the_databases_next_tick()
    {
        using var rules = new RuleFiles().With("schedules.json", """
            [{ "name": "hourly", "expression": "0 * * * *", "job": { "type": "test.echo", "tenant": "acme" } }]
            """);
        await using var cluster = await TestCluster.StartAsync(nodes: 0);

        var before = await DatabaseNowAsync(cluster);
        await cluster.AddNodeAsync(o => o.RulesDirectory = rules.Path, time: new SkewedClock(-Skew));
        var after = await DatabaseNowAsync(cluster);

        AssertFirstTickFollows((await cluster.Database.Cron.GetAsync("hourly"))!.NextFireAt, before, after);
    }

    /// <summary>The next full hour after a save made between <paramref name="before"/> and <paramref name="after"/> (PostgreSQL's clock).</summary>
    private static void AssertFirstTickFollows(DateTimeOffset? nextFireAt, DateTimeOffset before, DateTimeOffset after)
    {
        Assert.NotNull(nextFireAt);
        Assert.Equal(0, nextFireAt.Value.Minute);
        Assert.True(nextFireAt > before && nextFireAt <= after.AddHours(1),
            $"next_fire_at {nextFireAt:O} is not the first full hour after the save (PostgreSQL's clock: {before:O} to {after:O})");
    }

    private static async Task<DateTimeOffset> DatabaseNowAsync(TestCluster cluster)
    {
        await using var command = cluster.Database.DataSource.CreateCommand("SELECT now()");
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync())!, DateTimeKind.Utc));
    }
}
