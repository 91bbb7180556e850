using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Lifecycle;

public sealed class CancellationTests
{
    [Fact]
    public async Task A_cancelled_waiting_job_is_never_dispatched()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var cancelled = await client.EnqueueAsync("test.echo", "acme");
        // Enqueued after the cancelled one in the same lane: the lane is FIFO, so once this one ran, the other would have too.
        var later = await client.EnqueueAsync("test.echo", "acme");

        var answer = await client.CancelAsync(cancelled, "no longer needed");
        var ran = new System.Collections.Concurrent.ConcurrentBag<string>();
        cluster.StartWorker(0, w => w.Handle("test.echo", context =>
        {
            ran.Add(context.JobId);
            return Task.FromResult(JobResult.Complete());
        }));
        await client.WaitForStateAsync(later, JobState.Completed);

        Assert.True(answer.Cancelled);
        Assert.Equal(JobState.Cancelled, (await client.GetAsync(cancelled)).State);
        Assert.DoesNotContain(cancelled, ran);
        Assert.Contains(later, ran);
    }

    [Fact]
    public async Task Cancelling_a_running_job_fires_its_token_and_a_late_complete_does_not_undo_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokenFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = cluster.StartWorker(0, w => w.Handle("test.slow", async context =>
        {
            started.TrySetResult();
            var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (context.CancellationToken.Register(() => fired.TrySetResult()))
            {
                await fired.Task;
            }
            tokenFired.TrySetResult();
            // A handler that ignores the cancellation and reports success anyway.
            return JobResult.Complete(new { late = true });
        }));
        var refused = worker.Worker.SaidAsync("Node refused the outcome");
        var id = await client.EnqueueAsync("test.slow", "acme");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var answer = await client.CancelAsync(id);
        await tokenFired.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await refused.WaitAsync(TimeSpan.FromSeconds(30));

        var job = await client.GetAsync(id);
        Assert.True(answer.Cancelled);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.DoesNotContain("late", job.ResultJson, StringComparison.Ordinal);
    }
}
