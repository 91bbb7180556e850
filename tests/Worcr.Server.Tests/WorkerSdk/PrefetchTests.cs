using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using Worcr.Worker.Internal;
using CoreJobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// <see cref="WorkerOptions.Prefetch"/>: the worker holds jobs ahead of its free slots, so the next one is here when a
/// handler returns; it still runs at most <see cref="WorkerOptions.Concurrency"/> at once, and a queued job that is
/// cancelled or handed back never reaches its handler.
/// </summary>
public sealed class PrefetchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_worker_holds_jobs_ahead_of_its_slots_and_never_runs_more_than_its_concurrency()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var mostAtOnce = 0;
        var started = 0;
        cluster.StartWorker(0, w => w.Handle("test.slow", async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            Interlocked.Increment(ref started);
            firstStarted.TrySetResult();
            await gate.Task;
            Interlocked.Decrement(ref running);
            return JobResult.Complete();
        }), concurrency: 1, prefetch: 2);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add(await client.EnqueueAsync("test.slow", "acme"));

        // Capacity 1 + 2: three jobs are handed to the worker while the first one's handler holds its only slot.
        await Eventually.ReadUntilAsync(() => cluster.CountAsync(CoreJobState.Running), count => count == 3, Patience, "three jobs held by the worker");
        // Running in PostgreSQL means assigned; the worker may not have called the handler yet (CI once asserted first).
        await firstStarted.Task.WaitAsync(Patience);
        Assert.Equal(1, Volatile.Read(ref started));
        Assert.Equal(1, await cluster.CountAsync(CoreJobState.Waiting));

        gate.SetResult();
        foreach (var id in ids) await client.WaitForStateAsync(id, JobState.Completed);
        Assert.Equal(1, Volatile.Read(ref mostAtOnce));
        Assert.Equal(4, Volatile.Read(ref started));
    }

    [Fact]
    public async Task A_worker_holding_its_credits_back_drains_a_backlog_many_times_its_capacity_and_then_takes_new_jobs()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        cluster.StartWorker(0, w => w.Handle("test.slow", async _ =>
        {
            await gate.Task;
            Interlocked.Increment(ref handled);
            return JobResult.Complete();
        }), concurrency: 2, prefetch: 8);
        var backlog = new List<string>();
        for (var i = 0; i < 40; i++) backlog.Add(await client.EnqueueAsync("test.slow", "acme"));
        // Held at capacity (2 running, 8 queued), the worker gives credits back four at a time while jobs still queue.
        await Eventually.ReadUntilAsync(() => cluster.CountAsync(CoreJobState.Running), count => count == 10, Patience, "the worker's capacity taken");

        gate.SetResult();
        foreach (var id in backlog) await client.WaitForStateAsync(id, JobState.Completed);
        // Its queue emptied and every credit went back: a job enqueued now, one by one, is taken at once.
        for (var i = 0; i < 3; i++) await client.WaitForStateAsync(await client.EnqueueAsync("test.slow", "acme"), JobState.Completed);
        Assert.Equal(43, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task A_prefetched_job_cancelled_while_it_waits_for_a_slot_ends_without_its_handler_running()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var checkpointNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var checkpointed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new System.Collections.Concurrent.ConcurrentBag<string>();
        cluster.StartWorker(0, w => w.Handle("test.slow", async context =>
        {
            handled.Add(context.JobId);
            firstStarted.TrySetResult();
            await checkpointNow.Task;
            await context.CheckpointAsync("step", "1");
            checkpointed.TrySetResult();
            await gate.Task;
            return JobResult.Complete();
        }), concurrency: 1, prefetch: 1);
        var first = await client.EnqueueAsync("test.slow", "acme");
        await firstStarted.Task.WaitAsync(Patience);
        var queued = await client.EnqueueAsync("test.slow", "acme");
        await client.WaitForStateAsync(queued, JobState.Running);

        await client.CancelAsync(queued, "not needed any more");
        await client.WaitForStateAsync(queued, JobState.Cancelled);
        // The job is cancelled in PostgreSQL before the node hears of it; the node then queues the Cancel on the
        // worker's stream and stops holding the attempt. Messages on the stream arrive in order, so once the running
        // job's checkpoint (asked for after that) is acknowledged, the worker has taken the Cancel. Freeing the slot
        // before would rightly start the queued handler, the cancellation reaching it through its token.
        var dispatcher = cluster.Nodes[0].Services.GetRequiredService<Worcr.Server.Dispatch.Dispatcher>();
        var queuedId = long.Parse(queued, System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.ReadUntilAsync(() => Task.FromResult(dispatcher.Sessions.Any(s => s.RunningJobIds().Contains(queuedId))), held => !held,
            Patience, "the node to revoke the cancelled queued attempt");
        checkpointNow.SetResult();
        await checkpointed.Task.WaitAsync(Patience);
        gate.SetResult();
        await client.WaitForStateAsync(first, JobState.Completed);

        Assert.Equal([first], handled);
    }

    [Fact]
    public async Task A_worker_that_begins_leaving_hands_back_its_queued_jobs_at_once_and_lets_the_running_one_finish()
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<WorkerMessage>();
        var acks = new AckTracker();
        var outbox = new Outbox(acks);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queuedYielded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new System.Collections.Concurrent.ConcurrentBag<string>();
        var handlers = new Dictionary<string, JobHandler>
        {
            ["t"] = async context =>
            {
                handled.Add(context.JobId);
                firstStarted.TrySetResult();
                await gate.Task;
                return JobResult.Complete();
            },
        };
        var jobs = new SessionJobs(handlers, new NoSessionLink(), outbox, new CreditBatcher(_ => true), new ProgressCoalescer(_ => true),
            new WorkerJobs(1), _ => { }, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var node = outbox.RunWriterAsync(message =>
        {
            outcomes.Enqueue(message);
            if (message.Yield is not null) queuedYielded.TrySetResult();
            if (message.RequestId != 0) acks.Complete(new Ack { RequestId = message.RequestId, Ok = true });
            return Task.CompletedTask;
        }, stop.Token);

        jobs.OnAssign(new Assign { JobId = "1", Attempt = 1, Type = "t" });
        await firstStarted.Task.WaitAsync(Patience);
        jobs.OnAssign(new Assign { JobId = "2", Attempt = 1, Type = "t" });
        jobs.BeginLeaving();

        await queuedYielded.Task.WaitAsync(Patience); // while job 1 still holds the only slot
        gate.SetResult();
        await jobs.WaitAllDoneAsync().WaitAsync(Patience);
        Assert.Equal(["1"], handled);
        Assert.Equal([("2", "yield"), ("1", "complete")], outcomes.Select(m => m.Yield is not null ? (m.Yield.JobId, "yield") : (m.Complete.JobId, "complete")));
        await stop.CancelAsync();
        await node.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(WorkerOptions.MaxConcurrency)]
    public void A_prefetch_below_zero_or_past_the_capacity_bound_is_refused_with_its_name(int prefetch)
    {
        var options = new WorkerOptions { Address = new Uri("http://127.0.0.1:1"), Concurrency = 8, Prefetch = prefetch };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(WorkerOptions.Prefetch), error.ParamName);
        Assert.Contains("WorkerOptions.Prefetch must be between 0 and", error.Message, StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }
}
