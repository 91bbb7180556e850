using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

public sealed class LeaseExpiryTests
{
    [Fact]
    public async Task A_job_whose_worker_never_heartbeats_is_requeued_by_the_reaper_and_completes_on_attempt_two()
    {
        // The ghost's claim carries its own 3 s lease; the check that the job is running comes one round trip after it,
        // so a loaded machine may stall for nearly 3 s before the reaper (every 200 ms) requeues it too early. The
        // node's own lease (TestCluster's 5 s, heartbeats every second) is for attempt 2: a 1 s lease with 300 ms
        // heartbeats made a stall of 700 ms stop that attempt and start a third.
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        var lane = Assert.Single(await cluster.Database.Jobs.ReadBacklogAsync()).Lane;

        // A worker that took the job and then went silent: its lease is never renewed.
        var claimed = Assert.Single(await cluster.Database.Jobs.ClaimAsync(lane.Id, 1, "ghost-worker", "ghost-node", TimeSpan.FromSeconds(3)));
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
