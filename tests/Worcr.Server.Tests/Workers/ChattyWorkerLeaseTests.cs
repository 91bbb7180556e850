using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

public sealed class ChattyWorkerLeaseTests
{
    [Fact]
    public async Task A_worker_whose_heartbeats_wait_behind_its_log_lines_keeps_its_jobs()
    {
        // The node reads 10 reports a second, so the 60 lines take 6 s to read, longer than the 4 s lease; the
        // worker's heartbeats and the chatty job's Complete queue behind them in its stream.
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.WorkerReportsPerSecond = 10;
            o.LeaseDuration = TimeSpan.FromSeconds(4);
            o.HeartbeatInterval = TimeSpan.FromSeconds(1);
        });
        var client = cluster.Client();
        var longStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var longMayEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = 0;
        cluster.StartWorker(0, w =>
        {
            w.Handle("test.slow", async context =>
            {
                longStarted.TrySetResult();
                try
                {
                    await longMayEnd.Task.WaitAsync(context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }
                return JobResult.Complete();
            });
            w.Handle("test.echo", context =>
            {
                for (var i = 0; i < 60; i++) context.Log("info", $"line {i}");
                return Task.FromResult(JobResult.Complete());
            });
        }, concurrency: 2);
        var longId = await client.EnqueueAsync("test.slow", "acme");
        await longStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var chattyId = await client.EnqueueAsync("test.echo", "acme");
        var chatty = await client.WaitForStateAsync(chattyId, JobState.Completed);
        longMayEnd.TrySetResult();
        var done = await client.WaitForStateAsync(longId, JobState.Completed);

        Assert.Equal((1, 1, 0), (chatty.Attempt, done.Attempt, Volatile.Read(ref cancelled)));
    }
}
