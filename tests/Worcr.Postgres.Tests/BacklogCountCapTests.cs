namespace Worcr.Postgres.Tests;

/// <summary>
/// The reconcile's backlog read counts each lane's waiting jobs only up to a cap, so its cost follows the lanes, not
/// the jobs; a lane at the cap is marked as counted "at least", and its oldest job is still the true oldest.
/// </summary>
public sealed class BacklogCountCapTests
{
    [Fact]
    public async Task A_lane_with_more_waiting_jobs_than_the_cap_is_counted_up_to_the_cap_with_its_true_oldest()
    {
        await using var db = await TestDatabase.CreateAsync();
        var big = new List<long>();
        for (var i = 0; i < 5; i++) big.Add(await db.EnqueueOneAsync(TestDatabase.Job(tenant: "big")));
        var small = new List<long>();
        for (var i = 0; i < 2; i++) small.Add(await db.EnqueueOneAsync(TestDatabase.Job(tenant: "small")));
        await db.EnqueueOneAsync(TestDatabase.Job(tenant: "later", runAt: DateTimeOffset.UtcNow.AddHours(1)));
        var sql = new SchemaSql(db.Schema);
        var reader = new BacklogReader(db.DataSource, sql, new LaneCache(db.DataSource, sql, new LaneBounds()), countCap: 3);

        var backlog = (await reader.ReadAsync(TestDatabase.Timeout())).ToDictionary(b => b.Lane.Tenant);

        Assert.Equal(["big", "small"], backlog.Keys.Order());
        Assert.Equal((3L, true), (backlog["big"].Waiting, backlog["big"].CountCapped));
        Assert.Equal((2L, false), (backlog["small"].Waiting, backlog["small"].CountCapped));
        Assert.Equal(await EnqueuedAtAsync(db, big[0]), backlog["big"].OldestEnqueuedAt);
        Assert.Equal(await EnqueuedAtAsync(db, small[0]), backlog["small"].OldestEnqueuedAt);
    }

    [Fact]
    public async Task Running_jobs_are_not_counted_and_a_lane_with_none_waiting_is_not_listed()
    {
        await using var db = await TestDatabase.CreateAsync();
        var running = await db.RunOneAsync(TestDatabase.Job(tenant: "busy"));
        var waiting = await db.EnqueueOneAsync(TestDatabase.Job(tenant: "idle"));

        var backlog = await db.Jobs.ReadBacklogAsync(TestDatabase.Timeout());

        var lane = Assert.Single(backlog);
        Assert.Equal(("idle", 1L, false), (lane.Lane.Tenant, lane.Waiting, lane.CountCapped));
        Assert.NotEqual(await db.LaneOfAsync(running.Id), lane.Lane.Id);
        Assert.Equal(await db.LaneOfAsync(waiting), lane.Lane.Id);
    }

    private static async Task<DateTimeOffset> EnqueuedAtAsync(PooledDatabase db, long jobId) =>
        new((DateTime)(await db.ScalarAsync($"SELECT enqueued_at FROM __schema__.jobs WHERE id = {jobId}"))!, TimeSpan.Zero);
}
