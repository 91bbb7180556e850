using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using CoreJobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests;

public sealed class GracefulShutdownTests
{
    /// <summary>
    /// The SDK starts every job it is given, so "not started" here means "held but not finished within the
    /// shutdown grace": the SDK cancels those and yields them, which must not count as a failed attempt.
    /// </summary>
    [Fact]
    public async Task Stopping_a_worker_lets_its_running_job_finish_and_yields_the_others_without_burning_an_attempt()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var finisher = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
        var stuck = await client.EnqueueBatchAsync(Enumerable.Range(0, 2).Select(_ => new JobSpec { Type = "test.slow", Tenant = "acme", MaxAttempts = 1 }));
        var allHeld = new CountdownEvent(3);
        var heldSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Held()
        {
            if (allHeld.Signal()) heldSignal.TrySetResult();
        }
        var worker = StandaloneWorker.Create(cluster.Nodes[0].GrpcAddress, concurrency: 3, shutdownGrace: TimeSpan.FromSeconds(2));
        worker.Handle("test.echo", async _ =>
        {
            Held();
            await release.Task;
            return JobResult.Complete(new { finished = true });
        });
        worker.Handle("test.slow", async context =>
        {
            Held();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return JobResult.Complete();
        });
        var leaving = worker.SaidAsync("Leaving (shutdown)");
        await using var running = new RunningWorker(worker);
        await heldSignal.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var stopped = running.StopAsync();
        await leaving.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));

        var finished = await client.GetAsync(finisher);
        Assert.Equal(JobState.Completed, finished.State);
        Assert.Contains("finished", finished.ResultJson, StringComparison.Ordinal);
        foreach (var id in stuck)
        {
            var record = await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
            Assert.NotNull(record);
            Assert.Equal(CoreJobState.Waiting, record.State);
            Assert.Equal(0, record.Failures);
        }

        // With max_attempts = 1, a burnt attempt would have made them dead; another worker completes them instead.
        cluster.StartWorker(0, w => w.Handle("test.slow", _ => Task.FromResult(JobResult.Complete())));
        foreach (var id in stuck) await client.WaitForStateAsync(id, JobState.Completed);
    }
}
