using Google.Protobuf.WellKnownTypes;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests;

public sealed class ScheduledJobTests
{
    [Fact]
    public async Task A_job_scheduled_ahead_stays_scheduled_then_runs_never_before_its_run_at()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var started = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", _ =>
        {
            started.TrySetResult(DateTimeOffset.UtcNow);
            return Task.FromResult(JobResult.Complete());
        }));
        var runAt = DateTimeOffset.UtcNow.AddMilliseconds(1500);

        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", RunAt = Timestamp.FromDateTimeOffset(runAt) });
        var waiting = await client.GetAsync(id);
        await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Equal(JobState.Scheduled, waiting.State);
        var startedAt = await started.Task;
        Assert.True(startedAt >= runAt, $"the handler started at {startedAt:O}, before run_at {runAt:O}");
    }
}
