using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests;

public sealed class OverviewEstimateTests
{
    private static long Bucket => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;

    [Fact]
    public async Task Above_the_exact_size_the_overview_samples_the_jobs_table_and_says_its_counts_are_estimates()
    {
        await using var db = await TestDatabase.CreateAsync();
        await WaitingJobsAsync(db, 30_000);
        var sampled = new JobBrowser(db.DataSource, new SchemaSql(db.Schema), new LaneCache(db.DataSource, new SchemaSql(db.Schema), new LaneBounds()), overviewExactRows: 7_500);

        var estimate = await sampled.ReadOverviewAsync(60, Bucket, Bucket, TestDatabase.Timeout());
        var exact = await db.Jobs.Browser.ReadOverviewAsync(60, Bucket, Bucket, TestDatabase.Timeout());

        Assert.True(estimate.Estimated);
        Assert.InRange(estimate.Live[JobState.Waiting], 18_000, 42_000); // about a quarter of the blocks, scaled up
        Assert.True(exact.Estimated); // 30,000 rows: more than the default's 20,000, so this one samples too
        Assert.InRange(exact.Live[JobState.Waiting], 18_000, 42_000);
    }

    [Fact]
    public async Task Up_to_the_exact_size_the_overview_counts_every_job()
    {
        await using var db = await TestDatabase.CreateAsync();
        await WaitingJobsAsync(db, 5_000);

        var counts = await db.Jobs.Browser.ReadOverviewAsync(60, Bucket, Bucket, TestDatabase.Timeout());

        Assert.False(counts.Estimated);
        Assert.Equal(5_000, counts.Live[JobState.Waiting]);
        Assert.Equal(5_000, Assert.Single(counts.Tenants).Waiting);
    }

    /// <summary>One enqueued job and <paramref name="count"/> - 1 more in its lane, written by SQL, and the planner's statistics refreshed.</summary>
    private static async Task WaitingJobsAsync(PooledDatabase db, int count)
    {
        var lane = await db.LaneOfAsync(await db.EnqueueOneAsync());
        await db.ScalarAsync($"""
            INSERT INTO __schema__.jobs (lane_id, tenant, type, args, state, max_attempts, weight)
            SELECT {lane}, 'acme', 'email', '{"{}"}', 'waiting', 3, 1 FROM generate_series(1, {count - 1})
            """);
        await db.ScalarAsync("ANALYZE __schema__.jobs");
    }
}
