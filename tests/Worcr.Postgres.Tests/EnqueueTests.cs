using Npgsql;
using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class EnqueueTests
{
    [Fact]
    public async Task A_job_without_run_at_is_waiting_with_normalised_tags()
    {
        await using var db = await CreateAsync();
        var result = Assert.Single(await db.Jobs.EnqueueAsync([Job(tags: ["gpu", " eu", "gpu"])]));
        Assert.Equal((false, JobState.Waiting), (result.Duplicate, result.State));
        var job = (await db.Jobs.GetAsync(result.Id))!;
        Assert.Equal(["eu", "gpu"], job.Tags);
        Assert.Equal((0, 0, 3), (job.Attempt, job.Failures, job.MaxAttempts));
        Assert.Equal("a@example.com", System.Text.Json.JsonDocument.Parse(job.ArgsJson).RootElement.GetProperty("to").GetString());
    }

    [Fact]
    public async Task A_batch_returns_ids_in_input_order_and_jobs_share_lanes_by_signature()
    {
        await using var db = await CreateAsync();
        var jobs = Enumerable.Range(0, 600).Select(i => Job(type: $"t{i % 3}", args: $$"""{"i":{{i}}}""")).ToArray();
        var results = await db.Jobs.EnqueueAsync(jobs);
        Assert.Equal(600, results.Count);
        Assert.Equal(results.Select(r => r.Id).Order(), results.Select(r => r.Id));
        var fifth = (await db.Jobs.GetAsync(results[5].Id))!;
        Assert.Equal(("t2", 5), (fifth.Type, System.Text.Json.JsonDocument.Parse(fifth.ArgsJson).RootElement.GetProperty("i").GetInt32()));
        var backlog = await db.Jobs.ReadBacklogAsync();
        Assert.Equal([200L, 200L, 200L], backlog.Select(b => b.Waiting));
        Assert.Equal(["t0", "t1", "t2"], backlog.Select(b => b.Lane.Type).Order());
    }

    [Fact]
    public async Task A_job_with_a_future_run_at_is_scheduled_and_not_in_the_backlog()
    {
        await using var db = await CreateAsync();
        var runAt = DateTimeOffset.UtcNow.AddHours(1);
        var result = Assert.Single(await db.Jobs.EnqueueAsync([Job(runAt: runAt)]));
        Assert.Equal(JobState.Scheduled, result.State);
        Assert.Empty(await db.Jobs.ReadBacklogAsync());
        var due = (await db.Jobs.NextDueAsync())!.Value;
        Assert.True((due - runAt).Duration() < TimeSpan.FromMilliseconds(1), $"next due {due:O} vs run_at {runAt:O}");
    }

    [Fact]
    public async Task A_live_job_with_the_same_unique_key_makes_the_next_one_a_duplicate()
    {
        await using var db = await CreateAsync();
        var first = Assert.Single(await db.Jobs.EnqueueAsync([Job(uniqueKey: "invoice-1")]));
        var second = Assert.Single(await db.Jobs.EnqueueAsync([Job(uniqueKey: "invoice-1")]));
        var otherTenant = Assert.Single(await db.Jobs.EnqueueAsync([Job(uniqueKey: "invoice-1", tenant: "globex")]));
        Assert.Equal((first.Id, true), (second.Id, second.Duplicate));
        Assert.False(otherTenant.Duplicate);
        Assert.Equal(2L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    [Fact]
    public async Task Duplicates_inside_one_batch_point_to_the_first_job()
    {
        await using var db = await CreateAsync();
        var results = await db.Jobs.EnqueueAsync([Job(uniqueKey: "k"), Job(), Job(uniqueKey: "k")]);
        Assert.Equal((false, false, true), (results[0].Duplicate, results[1].Duplicate, results[2].Duplicate));
        Assert.Equal(results[0].Id, results[2].Id);
        Assert.Equal(2L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    /// <summary>
    /// Two calls with the same keys in opposite orders. Each inserted its keys in its own order, so each could hold a key
    /// the other had yet to reach and wait on it: a deadlock, which PostgreSQL breaks by failing one call. Here both are
    /// made to meet deterministically: an open transaction holds the middle key, both calls queue up behind it, and it
    /// rolls back. Rows with keys now go in key order, so the second call waits for the first instead.
    /// </summary>
    [Fact]
    public async Task Two_batches_with_the_same_keys_in_opposite_orders_both_succeed()
    {
        await using var db = await CreateAsync();
        var seed = await db.EnqueueOneAsync();
        var forward = Enumerable.Range(0, 200).Select(i => Job(uniqueKey: $"k{i:D3}")).ToArray();
        await using var gate = await db.DataSource.OpenConnectionAsync();
        await using var gateTransaction = await gate.BeginTransactionAsync();
        await using (var holdMiddleKey = new NpgsqlCommand($"""
            INSERT INTO "{db.Schema}".jobs (id, lane_id, tenant, type, args, state, max_attempts, weight, enqueued_at, run_at, unique_key)
            SELECT nextval('"{db.Schema}".job_ids'), lane_id, tenant, type, args, state, max_attempts, weight, enqueued_at, run_at, 'k100'
            FROM "{db.Schema}".jobs WHERE id = {seed}
            """, gate, gateTransaction))
        {
            Assert.Equal(1, await holdMiddleKey.ExecuteNonQueryAsync());
        }

        var calls = Task.WhenAll(db.Jobs.EnqueueAsync(forward), db.Jobs.EnqueueAsync(forward.Reverse().ToArray()));
        await WaitForLockWaitersAsync(db, 2, calls);
        await gateTransaction.RollbackAsync();

        var all = (await calls).SelectMany(r => r).ToArray();
        Assert.Equal(200, all.Count(r => !r.Duplicate));
        Assert.Equal(200, all.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_unique_window_sees_a_job_of_its_key_that_another_enqueue_added_and_finished_meanwhile()
    {
        await using var db = await CreateAsync();
        var seed = await db.EnqueueOneAsync();
        // Another enqueue of the key, caught before its commit: it holds the key's lock as every keyed enqueue does,
        // and has inserted its job.
        await using var other = await db.DataSource.OpenConnectionAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        var schema = new SchemaSql(db.Schema);
        await new UniqueKeyLocks(schema).LockAsync(other, [new UniqueKey("acme", "email", "nightly")], CancellationToken.None);
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO "{db.Schema}".jobs (id, lane_id, tenant, type, args, state, max_attempts, weight, enqueued_at, run_at, unique_key)
            SELECT nextval('"{db.Schema}".job_ids'), lane_id, tenant, type, args, state, max_attempts, weight, now(), run_at, 'nightly'
            FROM "{db.Schema}".jobs WHERE id = {seed}
            """, other, otherTransaction))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        var windowed = db.Jobs.EnqueueAsync([Job(uniqueKey: "nightly", uniqueWindow: TimeSpan.FromHours(1))]);
        await WaitForLockWaitersAsync(db, 1, windowed);
        // Its job runs and finishes before the windowed enqueue goes on: the row leaves jobs for job_history.
        long finished;
        await using (var finish = new NpgsqlCommand($"""
            WITH gone AS (DELETE FROM "{db.Schema}".jobs WHERE unique_key = 'nightly' RETURNING *)
            {schema.Format(HistorySql.InsertFrom("gone", "completed"))}
            RETURNING id
            """, other, otherTransaction))
        {
            finished = (long)(await finish.ExecuteScalarAsync())!;
        }
        await otherTransaction.CommitAsync();

        var result = Assert.Single(await windowed);
        Assert.Equal((finished, true, JobState.Completed), (result.Id, result.Duplicate, result.State));
    }

    /// <summary>Until <paramref name="count"/> of this schema's statements wait on a lock (or <paramref name="calls"/> end first).</summary>
    private static async Task WaitForLockWaitersAsync(PooledDatabase db, int count, Task calls)
    {
        var sql = $"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position('\"{db.Schema}\"' in query) > 0";
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((long)(await db.ScalarAsync(sql))! < count && !calls.IsCompleted) await poll.WaitForNextTickAsync(timeout.Token);
    }

    [Fact]
    public async Task A_finished_job_blocks_its_unique_key_only_within_the_unique_window()
    {
        await using var db = await CreateAsync();
        var done = await db.RunOneAsync(Job(uniqueKey: "daily"));
        await db.Jobs.CompleteAsync([new Completion(done.Id, done.Attempt, null)]);
        var windowed = Assert.Single(await db.Jobs.EnqueueAsync([Job(uniqueKey: "daily", uniqueWindow: TimeSpan.FromHours(1))]));
        Assert.Equal((done.Id, true, JobState.Completed), (windowed.Id, windowed.Duplicate, windowed.State));
        var unwindowed = Assert.Single(await db.Jobs.EnqueueAsync([Job(uniqueKey: "daily")]));
        Assert.False(unwindowed.Duplicate);
        Assert.NotEqual(done.Id, unwindowed.Id);
    }

    [Fact]
    public async Task A_unique_window_prefers_the_live_job_over_a_finished_one()
    {
        await using var db = await CreateAsync();
        var done = await db.RunOneAsync(Job(uniqueKey: "sync"));
        await db.Jobs.CompleteAsync([new Completion(done.Id, done.Attempt, null)]);
        var live = await db.EnqueueOneAsync(Job(uniqueKey: "sync"));
        var windowed = Assert.Single(await db.Jobs.EnqueueAsync([Job(uniqueKey: "sync", uniqueWindow: TimeSpan.FromHours(1))]));
        Assert.Equal((live, true, JobState.Waiting), (windowed.Id, windowed.Duplicate, windowed.State));
    }

    [Fact]
    public async Task One_enqueue_call_sends_exactly_one_notification_with_waiting_counts_per_lane()
    {
        await using var db = await CreateAsync();
        await using var probe = await NotificationProbe.StartAsync(db);
        var results = await db.Jobs.EnqueueAsync([Job(type: "a"), Job(type: "a"), Job(type: "b"), Job(type: "c", runAt: DateTimeOffset.UtcNow.AddHours(1))]);
        var notification = Assert.Single(await probe.DrainAsync());
        Assert.Equal(db.JobsChannel, notification.Channel);
        var laneA = await db.LaneOfAsync(results[0].Id);
        var laneB = await db.LaneOfAsync(results[2].Id);
        Assert.Equal(new Dictionary<long, int> { [laneA] = 2, [laneB] = 1 }, JobsPayload.Parse(notification.Payload));
    }

    [Fact]
    public async Task A_job_enqueued_alone_is_stored_and_announced_as_in_a_batch_and_a_scheduled_one_is_not_announced()
    {
        // One job without a unique key takes a statement of its own (JobEnqueuer.InsertOneSql): it must store the
        // same row and send the same notification as the batch statement.
        await using var db = await CreateAsync();
        await using var probe = await NotificationProbe.StartAsync(db);
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var untraced = Job(tags: ["gpu"], weight: 2.5, maxAttempts: 7, expiresAt: DateTimeOffset.UtcNow.AddHours(2), args: """{"n":1}""");
        var job = untraced with { TraceParent = traceParent };

        var alone = Assert.Single(await db.Jobs.EnqueueAsync([job]));
        var batched = (await db.Jobs.EnqueueAsync([job, Job(type: "other")]))[0];
        var scheduled = Assert.Single(await db.Jobs.EnqueueAsync([Job(runAt: DateTimeOffset.UtcNow.AddHours(1))]));

        Assert.Equal(await RowAsync(db, batched.Id), await RowAsync(db, alone.Id));
        Assert.Equal((JobState.Waiting, JobState.Scheduled), (alone.State, scheduled.State));
        var notifications = await probe.DrainAsync();
        Assert.Equal(2, notifications.Count);
        Assert.Equal(new Dictionary<long, int> { [await db.LaneOfAsync(alone.Id)] = 1 }, JobsPayload.Parse(notifications[0].Payload));
    }

    private static async Task<string> RowAsync(PooledDatabase db, long id) => (string)(await db.ScalarAsync(
        $"SELECT (lane_id, tenant, type, args, state, attempt, max_attempts, weight, expires_at, unique_key, traceparent, run_at = enqueued_at)::text FROM __schema__.jobs WHERE id = {id}"))!;

    [Fact]
    public async Task Ten_thousand_jobs_in_two_thousand_lanes_go_in_one_call_with_a_reconcile_notification()
    {
        await using var db = await CreateAsync();
        await using var probe = await NotificationProbe.StartAsync(db);
        // unnest() arrays have no 65,535-parameter cap; 2,000 lanes overflow the 8,000-byte NOTIFY payload.
        var results = await db.Jobs.EnqueueAsync(Enumerable.Range(0, JobEnqueuer.MaxBatch).Select(i => Job(type: $"type{i % 2_000}")).ToArray());
        Assert.Equal(JobEnqueuer.MaxBatch, results.Select(r => r.Id).Distinct().Count());
        var notification = Assert.Single(await probe.DrainAsync());
        Assert.Equal(JobsPayload.Reconcile, notification.Payload);
        Assert.Equal(2_000, (await db.Jobs.ReadBacklogAsync()).Count);
    }

    [Fact]
    public async Task A_batch_with_one_bad_job_inserts_nothing_and_notifies_nobody()
    {
        await using var db = await CreateAsync();
        await using var probe = await NotificationProbe.StartAsync(db);
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Jobs.EnqueueAsync([Job(), Job(args: "{not json")]));
        Assert.Equal(0L, await db.Jobs.CountAsync(JobState.Waiting));
        Assert.Empty(await probe.DrainAsync());
    }

    [Fact]
    public async Task More_than_ten_thousand_jobs_in_one_call_are_rejected()
    {
        await using var db = await CreateAsync();
        var jobs = Enumerable.Repeat(Job(), JobEnqueuer.MaxBatch + 1).ToArray();
        await Assert.ThrowsAsync<ArgumentException>(() => db.Jobs.EnqueueAsync(jobs));
    }
}
