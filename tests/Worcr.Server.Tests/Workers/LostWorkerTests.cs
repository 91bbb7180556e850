using System.Globalization;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

public sealed class LostWorkerTests
{
    [Fact]
    public async Task A_killed_worker_process_job_is_retried_on_another_worker_from_its_last_checkpoint()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        // demo.count in the example worker saves a checkpoint after every step, durably, before the next one.
        var id = await client.EnqueueAsync("demo.count", "acme", new { n = 100_000 });
        await using var doomed = ChildWorker.Start("dotnet", [RepositoryPaths.DotnetExampleWorker],
            new Dictionary<string, string> { ["WORCR_GRPC"] = cluster.Nodes[0].GrpcAddress.ToString() }, "Connected to node");
        await doomed.Connected.WaitAsync(TimeSpan.FromSeconds(30));
        var before = await client.WaitForCheckpointAsync(id, "step", atLeast: 200, TimeSpan.FromSeconds(60));

        doomed.Kill();

        var resumedAt = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("demo.count", context =>
        {
            resumedAt.TrySetResult(int.Parse(context.Checkpoints["step"], CultureInfo.InvariantCulture));
            return Task.FromResult(JobResult.Complete());
        }));
        var job = await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Equal(2, job.Attempt);
        var resumed = await resumedAt.Task;
        Assert.True(resumed >= before, $"resumed at step {resumed}, but step {before} was already saved");
    }
}
