using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Protocol.V1;
using Worcr.Worker;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A worker that begins leaving sends no more credit. With prefetch, credits are held while queued jobs wait for a slot;
/// the leave hands those jobs back, the last one to stop waiting released what was held, and the worker sent a Credit
/// just before (or just after) its Goodbye: the node claimed jobs for a worker going away, only to release them.
/// </summary>
public sealed class LeavingCreditTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_prefetching_worker_sends_no_credit_once_it_began_leaving()
    {
        var acks = new AckTracker();
        var outbox = new Outbox(acks);
        var leavingBegan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creditsAfterLeaving = new System.Collections.Concurrent.ConcurrentQueue<int>();
        // Prefetch 4: while a queued job waits for a slot, credits are held until 2 are owed.
        var credits = new CreditBatcher(message =>
        {
            if (leavingBegan.Task.IsCompleted) creditsAfterLeaving.Enqueue(message.Credit.N);
            return outbox.Post(message);
        }, CreditBatcher.HoldUntilFor(4));
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var othersMayEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new Dictionary<string, JobHandler>
        {
            ["t"] = async context =>
            {
                if (context.JobId == "1")
                {
                    firstStarted.TrySetResult();
                    await finishFirst.Task;
                }
                else
                {
                    await othersMayEnd.Task;
                }
                return JobResult.Complete();
            },
        };
        var shared = new WorkerJobs(1);
        var jobs = new SessionJobs(handlers, new NoSessionLink(), outbox, credits, new ProgressCoalescer(_ => true), shared, _ => { },
            NullLogger.Instance);
        var handedBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var node = outbox.RunWriterAsync(message =>
        {
            if (message.Yield is not null) handedBack.TrySetResult();
            if (message.RequestId != 0) acks.Complete(new Ack { RequestId = message.RequestId, Ok = true });
            return Task.CompletedTask;
        }, stop.Token);

        jobs.OnAssign(new Assign { JobId = "1", Attempt = 1, Type = "t" });
        await firstStarted.Task.WaitAsync(Patience);
        var first = shared.Held["1"];
        jobs.OnAssign(new Assign { JobId = "2", Attempt = 1, Type = "t" });
        jobs.OnAssign(new Assign { JobId = "3", Attempt = 1, Type = "t" });
        // The first job ends while the others are queued: its credit is owed. No credit sender runs in this test until
        // it flushes below, so the credit is still owed whether it was held or its sender woken.
        finishFirst.SetResult();
        await first.Done.WaitAsync(Patience);
        Assert.Equal(1, credits.Pending);

        leavingBegan.SetResult();
        jobs.BeginLeaving();
        await handedBack.Task.WaitAsync(Patience); // one of jobs 2 and 3 starts in the freed slot, the other is yielded
        Assert.True(credits.SendRequested, "the leave should have woken the credit sender, as it does on a stream");
        credits.Flush(); // the credit sender's turn

        Assert.Empty(creditsAfterLeaving);
        othersMayEnd.SetResult();
        await jobs.WaitAllDoneAsync().WaitAsync(Patience);
        await stop.CancelAsync();
        await node.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
