using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

public sealed class LeaseExpiryTests
{
    [Fact]
    public async Task A_job_whose_worker_never_heartbeats_is_requeued_by_the_reaper_and_completes_on_attempt_two()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(1);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
        });
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        var lane = Assert.Single(await cluster.Database.Jobs.ReadBacklogAsync()).Lane;

        // A worker that took the job and then went silent: its lease is never renewed.
        var claimed = Assert.Single(await cluster.Database.Jobs.ClaimAsync(lane.Id, 1, "ghost-worker", "ghost-node", TimeSpan.FromSeconds(1)));
        Assert.Equal(id, claimed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(JobState.Running, (await client.GetAsync(id)).State);
        var attemptSeen = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", context =>
        {
            attemptSeen.TrySetResult(context.Attempt);
            return Task.FromResult(JobResult.Complete());
        }));

        var job = await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Equal(2, job.Attempt);
        Assert.Equal(2, await attemptSeen.Task);
        Assert.NotEqual("ghost-worker", job.WorkerId);
    }
}
