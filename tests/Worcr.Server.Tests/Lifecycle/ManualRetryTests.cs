using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Lifecycle;

public sealed class ManualRetryTests
{
    [Fact]
    public async Task A_dead_job_retried_by_the_operator_runs_again_and_completes()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var calls = 0;
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? JobResult.Fail("downstream is down")
            : JobResult.Complete(new { second = true }))));
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
        var dead = await client.WaitForStateAsync(id, JobState.Dead);

        var retried = await client.RetryAsync(id);
        var job = await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Equal("downstream is down", dead.LastError);
        Assert.Equal(JobState.Waiting, retried.State);
        Assert.Equal(2, job.Attempt);
        Assert.Contains("second", job.ResultJson, StringComparison.Ordinal);
        Assert.Equal(2, Volatile.Read(ref calls));
    }
}
