using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Enqueue;
using Worcr.Testing;

namespace Worcr.Server.Tests.Enqueue;

/// <summary>
/// Group commit of single Enqueue calls. Calls queued before the batcher runs are taken as one batch, which makes
/// "these calls shared a commit" deterministic without timing; a lone call to a running, idle batcher stores itself.
/// </summary>
public sealed class EnqueueBatcherTests
{
    [Fact]
    public async Task Calls_waiting_together_are_stored_in_one_statement()
    {
        await using var db = await CreateDatabaseAsync();
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        var calls = Enumerable.Range(0, 5).Select(i => batcher.EnqueueAsync(Job(args: $$"""{"i":{{i}}}"""), CancellationToken.None)).ToArray();

        await RunUntilStoredAsync(batcher, calls);

        var results = await Task.WhenAll(calls);
        Assert.Equal(5, results.Select(r => r.Id).Distinct().Count());
        Assert.All(results, r => Assert.Equal((false, JobState.Waiting), (r.Duplicate, r.State)));
        // now() is the transaction's start: one shared value means one transaction for the five calls.
        var enqueuedAt = await Task.WhenAll(results.Select(async r => (await db.Jobs.GetAsync(r.Id))!.EnqueuedAt));
        Assert.Single(enqueuedAt.Distinct());
    }

    [Fact]
    public async Task Concurrent_calls_with_the_same_unique_key_give_one_job()
    {
        await using var db = await CreateDatabaseAsync();
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        var calls = Enumerable.Range(0, 10).Select(_ => batcher.EnqueueAsync(Job(uniqueKey: "report-1"), CancellationToken.None)).ToArray();

        await RunUntilStoredAsync(batcher, calls);

        var results = await Task.WhenAll(calls);
        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single(results, r => !r.Duplicate);
        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    [Fact]
    public async Task A_key_with_a_window_matches_a_finished_job_for_every_call_of_the_batch()
    {
        await using var db = await CreateDatabaseAsync();
        var window = TimeSpan.FromHours(1);
        var first = (await db.Jobs.EnqueueAsync([Job(uniqueKey: "digest", uniqueWindow: window)]))[0];
        await FinishAsync(db, first.Id);
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        var calls = new[]
        {
            batcher.EnqueueAsync(Job(uniqueKey: "digest", uniqueWindow: window), CancellationToken.None),
            batcher.EnqueueAsync(Job(uniqueKey: "other"), CancellationToken.None),
            batcher.EnqueueAsync(Job(uniqueKey: "digest", uniqueWindow: window), CancellationToken.None),
        };

        await RunUntilStoredAsync(batcher, calls);

        var results = await Task.WhenAll(calls);
        Assert.Equal((first.Id, true, JobState.Completed), (results[0].Id, results[0].Duplicate, results[0].State));
        Assert.Equal((first.Id, true, JobState.Completed), (results[2].Id, results[2].Duplicate, results[2].State));
        Assert.False(results[1].Duplicate);
    }

    [Fact]
    public async Task A_job_postgres_refuses_fails_only_its_own_call()
    {
        await using var db = await CreateDatabaseAsync();
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        var good = Enumerable.Range(0, 3).Select(_ => batcher.EnqueueAsync(Job(), CancellationToken.None)).ToList();
        // Valid JSON that jsonb refuses (a NUL character): only PostgreSQL can tell.
        var bad = batcher.EnqueueAsync(Job(args: """{"text":"\u0000"}"""), CancellationToken.None);
        good.Add(batcher.EnqueueAsync(Job(), CancellationToken.None));

        await RunUntilStoredAsync(batcher, [.. good, bad]);

        await Assert.ThrowsAsync<PostgresException>(() => bad);
        var stored = await Task.WhenAll(good);
        Assert.Equal(4, stored.Select(r => r.Id).Distinct().Count());
        Assert.Equal(4L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    [Fact]
    public async Task A_caller_that_gave_up_before_its_batch_was_taken_gets_no_job()
    {
        await using var db = await CreateDatabaseAsync();
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        using var gaveUp = new CancellationTokenSource();
        var cancelled = batcher.EnqueueAsync(Job(), gaveUp.Token);
        var kept = batcher.EnqueueAsync(Job(), CancellationToken.None);
        await gaveUp.CancelAsync();

        await RunUntilStoredAsync(batcher, [kept]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False((await kept).Duplicate);
        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    [Fact]
    public async Task Calls_accepted_before_the_node_stops_are_still_stored_and_later_ones_are_refused()
    {
        await using var db = await CreateDatabaseAsync();
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        var accepted = Enumerable.Range(0, 3).Select(_ => batcher.EnqueueAsync(Job(), CancellationToken.None)).ToArray();

        await batcher.RunAsync(new CancellationToken(canceled: true));

        Assert.Equal(3, (await Task.WhenAll(accepted)).Select(r => r.Id).Distinct().Count());
        var late = await Assert.ThrowsAsync<Core.Errors.WorcrError>(() => batcher.EnqueueAsync(Job(), CancellationToken.None));
        Assert.Equal(Core.Errors.ErrorKind.Unavailable, late.Kind);
    }

    [Fact]
    public async Task A_lone_call_on_a_running_batcher_is_stored_before_the_batcher_stops()
    {
        await using var db = await CreateDatabaseAsync();
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = batcher.RunAsync(stop.Token);

        // Nothing queued and nothing being stored: the call stores itself, holding one of the batcher's flush slots.
        var lone = batcher.EnqueueAsync(Job(), CancellationToken.None);
        await stop.CancelAsync();
        await running;

        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Waiting));
        Assert.False((await lone).Duplicate);
        var late = await Assert.ThrowsAsync<Core.Errors.WorcrError>(() => batcher.EnqueueAsync(Job(), CancellationToken.None));
        Assert.Equal(Core.Errors.ErrorKind.Unavailable, late.Kind);
    }

    [Fact]
    public async Task A_lone_call_postgres_refuses_fails_with_postgres_error_and_frees_its_slot()
    {
        await using var db = await CreateDatabaseAsync();
        var batcher = new EnqueueBatcher(db.Jobs, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = batcher.RunAsync(stop.Token);

        for (var i = 0; i < EnqueueBatcher.MaxConcurrentFlushes + 1; i++)
        {
            await Assert.ThrowsAsync<PostgresException>(() => batcher.EnqueueAsync(Job(args: """{"text":"\u0000"}"""), CancellationToken.None));
        }
        var stored = await batcher.EnqueueAsync(Job(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(stored.Duplicate);
        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    private static async Task RunUntilStoredAsync(EnqueueBatcher batcher, IReadOnlyList<Task> calls)
    {
        using var stop = new CancellationTokenSource();
        var running = batcher.RunAsync(stop.Token);
        await Task.WhenAll(calls.Select(call => call.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await running;
    }

    private static async Task FinishAsync(WorcrDatabase db, long jobId)
    {
        var claimed = Assert.Single(await db.Jobs.ClaimAsync(await LaneIdAsync(db, jobId), 1, "w1", "n1", TimeSpan.FromMinutes(1)));
        Assert.Equal(jobId, claimed.Id);
        Assert.Equal([true], await db.Jobs.CompleteAsync([new Completion(claimed.Id, claimed.Attempt, null)]));
    }

    private static async Task<long> LaneIdAsync(WorcrDatabase db, long jobId)
    {
        await using var command = db.DataSource.CreateCommand($"SELECT lane_id FROM \"{db.Schema}\".jobs WHERE id = {jobId}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<WorcrDatabase> CreateDatabaseAsync()
    {
        var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await db.MigrateAsync();
        return db;
    }

    private static NewJob Job(string args = "{}", string? uniqueKey = null, TimeSpan? uniqueWindow = null) =>
        new("acme", "email", ["eu"], args, 1, 3, null, null, uniqueKey, uniqueWindow);
}
