using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Protocol.V1;
using Worcr.Worker;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A leaving worker yields what it still holds, then closes its stream. An attempt whose report another caller had
/// claimed a moment before (its handler returning, or the hand-back of a job assigned while leaving) counted as
/// answered, though its outcome was not posted yet: the stream could close first, the outcome was never sent, and the
/// node released the job as a lost worker's (max_attempts 1: dead without having run). Seen once in CI as
/// GracefulShutdownTests' "Expected Waiting, Actual Dead".
/// </summary>
public sealed class LeavingReportRaceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Yielding_the_remaining_jobs_waits_for_an_outcome_another_caller_claimed_but_has_not_posted()
    {
        var acks = new AckTracker();
        var outbox = new Outbox(acks);
        // The hand-back holds the report's claim while it flushes the job's progress: the gap between claim and post.
        var flushing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var flushMayGoOn = new ManualResetEventSlim();
        var progress = new ProgressCoalescer(message =>
        {
            flushing.TrySetResult();
            flushMayGoOn.Wait(Patience);
            return outbox.Post(message);
        });
        var handlers = new Dictionary<string, JobHandler> { ["t"] = _ => Task.FromResult(JobResult.Complete()) };
        var jobs = new SessionJobs(handlers, new NoSessionLink(), outbox, new CreditBatcher(_ => true), progress, new WorkerJobs(1), _ => { },
            NullLogger.Instance);
        progress.Report(new Progress { JobId = "1", Attempt = 1, Name = "rows", Current = 1 });
        jobs.BeginLeaving();
        jobs.OnAssign(new Assign { JobId = "1", Attempt = 1, Type = "t" });
        await flushing.Task.WaitAsync(Patience);

        var yielding = jobs.YieldRemainingAsync();

        Assert.False(yielding.IsCompleted, "the leave went on to close the stream before the job's Yield was posted");
        flushMayGoOn.Set();
        var sent = new List<WorkerMessage>();
        using var stop = new CancellationTokenSource();
        var node = outbox.RunWriterAsync(message =>
        {
            sent.Add(message);
            if (message.RequestId != 0) acks.Complete(new Ack { RequestId = message.RequestId, Ok = true });
            return Task.CompletedTask;
        }, stop.Token);
        await yielding.WaitAsync(Patience);
        outbox.Close();
        await node.WaitAsync(Patience);
        Assert.Equal([WorkerMessage.MessageOneofCase.Progress, WorkerMessage.MessageOneofCase.Yield], sent.Select(m => m.MessageCase));
    }
}
