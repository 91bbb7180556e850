using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// Once a handler's <see cref="IJobContext.CancellationToken"/> fired, its attempt is no longer its own (the node
/// cancelled it, the shutdown grace ended and the SDK yielded it, or the stream was lost): the node refuses its
/// reports, so the context sends none, and a checkpoint tells the handler it stopped (OperationCanceledException)
/// instead of a refusal, or instead of waiting on for an Ack while the handler should stop.
/// </summary>
public sealed class StoppedAttemptReportTests
{
    [Fact]
    public async Task A_checkpoint_of_a_stopped_attempt_throws_OperationCanceledException_and_sends_nothing()
    {
        var link = new PendingLink();
        var context = new JobContext(new Assign { JobId = "7", Attempt = 1 }, link, new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => context.CheckpointAsync("step", "3").WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Empty(link.Sent);
        Assert.Empty(context.Checkpoints);
    }

    [Fact]
    public async Task A_checkpoint_waiting_for_its_Ack_ends_when_its_attempt_is_stopped()
    {
        var link = new PendingLink();
        using var stop = new CancellationTokenSource();
        var context = new JobContext(new Assign { JobId = "7", Attempt = 1 }, link, stop.Token);

        var checkpoint = context.CheckpointAsync("step", "3");
        Assert.Single(link.Sent);
        Assert.False(checkpoint.IsCompleted, "the checkpoint returned before the node answered");
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => checkpoint.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(context.Checkpoints);
    }

    [Fact]
    public async Task Progress_and_log_lines_of_a_stopped_attempt_are_not_sent()
    {
        var link = new PendingLink();
        var context = new JobContext(new Assign { JobId = "7", Attempt = 1 }, link, new CancellationToken(canceled: true));

        await context.ProgressAsync("rows", 5, 10);
        context.Log("info", "stopping");

        Assert.Empty(link.Sent);
    }

    [Fact]
    public async Task A_handler_whose_job_was_cancelled_gets_OperationCanceledException_from_a_checkpoint_and_nothing_is_stored()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lateCheckpoint = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, worker => worker.Handle("test.slow", async context =>
        {
            await context.CheckpointAsync("step", "1");
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await context.CheckpointAsync("step", "late");
                lateCheckpoint.TrySetResult(null);
            }
            catch (Exception ex)
            {
                lateCheckpoint.TrySetResult(ex);
            }
            return JobResult.Complete();
        }));
        var id = await client.EnqueueAsync("test.slow", "acme");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await client.CancelAsync(id, "not needed");

        var late = await lateCheckpoint.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsType<OperationCanceledException>(late, exactMatch: false);
        await client.WaitForStateAsync(id, JobState.Cancelled);
        var stored = (await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!;
        Assert.Equal("1", stored.Checkpoints["step"]);
    }

    /// <summary>A session link that keeps what the job context sends and never answers a request (a node still busy storing it).</summary>
    private sealed class PendingLink : ISessionLink
    {
        private readonly TaskCompletionSource<Ack> _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<WorkerMessage> Sent { get; } = [];

        public void Post(WorkerMessage message) => Sent.Add(message);

        public Task<Ack> RequestAsync(WorkerMessage message)
        {
            Sent.Add(message);
            return _never.Task;
        }

        public void ReportProgress(Progress progress) => Sent.Add(new WorkerMessage { Progress = progress });

        public Task<AcquireLimitResponse> AcquireLimitAsync(AcquireLimitRequest request, CancellationToken ct) => throw new NotSupportedException();
    }
}
