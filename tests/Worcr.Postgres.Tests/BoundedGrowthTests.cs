using Worcr.Core.Errors;
using Worcr.Testing;

namespace Worcr.Postgres.Tests;

public sealed class BoundedGrowthTests
{
    [Fact]
    public async Task Partitioning_job_history_keeps_every_finished_job_and_does_not_announce_them_to_webhooks_again()
    {
        await using var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await db.MigrateToAsync(11);
        await db.ScalarAsync("INSERT INTO __schema__.webhook_subscriptions (name, url, secret, events) VALUES ('s', 'http://127.0.0.1:9/', 'k', '{job.completed,job.dead}')");
        await db.ScalarAsync("""
            INSERT INTO __schema__.job_history (id, lane_id, tenant, type, args, state, attempt, failures, max_attempts, weight,
                enqueued_at, run_at, finished_at, result, traceparent)
            VALUES (1001, 1, 'acme', 'email', '{}', 'completed', 1, 0, 3, 1, now(), now(), now() - interval '400 days', 'ok', 'tp'),
                   (1002, 1, 'acme', 'email', '{}', 'dead', 3, 3, 3, 1, now(), now(), now(), NULL, NULL)
            """);
        var eventsBefore = (long)(await db.ScalarAsync("SELECT count(*) FROM __schema__.webhook_outbox"))!;

        await db.MigrateAsync();

        Assert.Equal("ok", await db.ScalarAsync("SELECT result FROM __schema__.job_history WHERE id = 1001 AND traceparent = 'tp'"));
        Assert.Equal("job_history_completed_default", await db.ScalarAsync("SELECT tableoid::regclass::text FROM __schema__.job_history WHERE id = 1001") is string name ? name.Split('.')[^1] : null);
        Assert.Equal(2L, await db.ScalarAsync("SELECT count(*) FROM __schema__.job_history"));
        Assert.Equal(eventsBefore, await db.ScalarAsync("SELECT count(*) FROM __schema__.webhook_outbox"));
        // The path of a job still works end to end on the new table: finish, webhook event, read back, retry.
        var id = await db.EnqueueOneAsync();
        var lane = await db.LaneOfAsync(id);
        var claimed = Assert.Single(await db.Jobs.ClaimAsync(lane, 1, "w1", "n1", TimeSpan.FromMinutes(1)));
        await db.Jobs.CompleteAsync([new Core.Jobs.Completion(claimed.Id, claimed.Attempt, "\"done\"")]);
        Assert.Equal(Core.Jobs.JobState.Completed, (await db.Jobs.GetAsync(id))!.State);
        Assert.Equal(eventsBefore + 1, await db.ScalarAsync("SELECT count(*) FROM __schema__.webhook_outbox"));
        Assert.Equal(Core.Jobs.JobState.Waiting, await db.Jobs.RetryAsync(1002));
    }

    [Fact]
    public async Task A_tenant_cannot_create_more_lanes_than_the_cap_and_the_error_names_the_cap_and_its_setting()
    {
        await using var db = await TestDatabase.CreateAsync();
        db.Database.Lanes.MaxLanesPerTenant = 3;
        for (var weight = 1; weight <= 3; weight++) await db.EnqueueOneAsync(TestDatabase.Job(weight: weight));

        var error = await Assert.ThrowsAsync<WorcrError>(() => db.EnqueueOneAsync(TestDatabase.Job(weight: 4)));

        Assert.Equal(ErrorKind.ResourceExhausted, error.Kind);
        Assert.Contains("tenant 'acme' has 3 lanes and may have at most 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxLanesPerTenant", error.Message, StringComparison.Ordinal);
        Assert.Contains("WORCR_MAX_LANES_PER_TENANT", error.Message, StringComparison.Ordinal);
        // Nothing was written, the tenant's existing lanes still take jobs, and other tenants are not affected.
        Assert.Equal(3L, await db.ScalarAsync("SELECT count(*) FROM __schema__.lanes"));
        Assert.Equal(3L, await db.ScalarAsync("SELECT count(*) FROM __schema__.jobs"));
        await db.EnqueueOneAsync(TestDatabase.Job(weight: 2));
        await db.EnqueueOneAsync(TestDatabase.Job(tenant: "other", weight: 4));
    }

    [Fact]
    public async Task Varying_tags_counts_against_the_cap_like_varying_weights_and_a_batch_is_refused_whole()
    {
        await using var db = await TestDatabase.CreateAsync();
        db.Database.Lanes.MaxLanesPerTenant = 5;
        var batch = Enumerable.Range(0, 6).Select(i => TestDatabase.Job(tags: [$"order-{i}"])).ToList();

        var error = await Assert.ThrowsAsync<WorcrError>(() => db.Jobs.EnqueueAsync(batch));

        Assert.Equal(ErrorKind.ResourceExhausted, error.Kind);
        Assert.Equal(0L, await db.ScalarAsync("SELECT count(*) FROM __schema__.jobs"));
        Assert.Equal(5, (await db.Jobs.EnqueueAsync(batch.Take(5).ToList())).Count);
    }

    [Fact]
    public async Task The_lane_cache_remembers_at_most_its_capacity()
    {
        await using var db = await TestDatabase.CreateAsync();
        var lanes = new LaneCache(db.DataSource, new SchemaSql(db.Schema), new LaneBounds(), capacity: 50);

        for (var i = 0; i < 4; i++)
        {
            var keys = Enumerable.Range(i * 50, 50).Select(w => LaneKey.Of("acme", "email", [], w + 1)).ToArray();
            var ids = await lanes.ResolveAsync(keys, TestDatabase.Timeout());
            Assert.Equal(50, ids.Count);
        }

        Assert.InRange(lanes.Remembered, 1, 50);
        Assert.Equal(200L, await db.ScalarAsync("SELECT count(*) FROM __schema__.lanes"));
        // A forgotten lane is found again, not created twice.
        var again = await lanes.ResolveAsync([LaneKey.Of("acme", "email", [], 1)], TestDatabase.Timeout());
        Assert.Equal(200L, await db.ScalarAsync("SELECT count(*) FROM __schema__.lanes"));
        Assert.Equal((long)(await db.ScalarAsync("SELECT id FROM __schema__.lanes WHERE weight = 1"))!, again.Values.Single());
    }

    [Fact]
    public async Task Reading_a_lane_by_id_does_not_count_as_marking_it_used()
    {
        // Retention may delete a lane no node marked used for a while, and no foreign key stops a job from naming a
        // deleted lane (migration 017): an id the cache hands to an enqueue must be one this node marked used within
        // MarkInterval. Reading a lane by id (a claim does) marks nothing, so it must not hand that id out.
        await using var db = await TestDatabase.CreateAsync();
        var key = LaneKey.Of("acme", "email", [], 1);
        var id = (await new LaneCache(db.DataSource, new SchemaSql(db.Schema), new LaneBounds()).ResolveAsync([key], TestDatabase.Timeout()))[key];
        await db.ScalarAsync($"UPDATE __schema__.lanes SET last_used_at = now() - interval '8 days' WHERE id = {id}");
        var claimingNode = new LaneCache(db.DataSource, new SchemaSql(db.Schema), new LaneBounds());

        Assert.NotNull(await claimingNode.GetAsync(id, TestDatabase.Timeout()));
        Assert.Equal(id, (await claimingNode.ResolveAsync([key], TestDatabase.Timeout()))[key]);

        Assert.True((bool)(await db.ScalarAsync($"SELECT last_used_at > now() - interval '1 minute' FROM __schema__.lanes WHERE id = {id}"))!);
    }

    [Fact]
    public async Task Jobs_have_no_foreign_key_to_lanes()
    {
        // Its check locked the lane's row for every inserted job (bench/RESULTS.md, session 18); the mark protocol
        // above is what keeps lanes in use from retention.
        await using var db = await TestDatabase.CreateAsync();

        Assert.Equal(0L, await db.ScalarAsync("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = '__schema__.jobs'::regclass"));
    }
}
