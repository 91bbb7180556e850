using Worcr.Admin;
using Worcr.Core.Jobs;
using Worcr.Server.Maintenance;
using static Worcr.Server.Tests.Maintenance.MaintenanceDatabase;

namespace Worcr.Server.Tests.Maintenance;

public sealed class LeaseReaperTests
{
    [Fact]
    public async Task A_running_job_whose_lease_expired_goes_back_to_waiting_with_a_failure_counted()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        var lost = await db.EnqueueAsync(Job());
        var alive = await db.EnqueueAsync(Job());
        var lane = await db.LaneIdAsync(lost);
        Assert.Equal(2, (await db.Jobs.ClaimAsync(lane, 2, "w1", "n1", TimeSpan.FromMinutes(5))).Count);
        await db.MakePastAsync(lost, "lease_expires_at");
        var reaper = new LeaseReaper(await db.LifecycleAsync(redis), Log<LeaseReaper>());

        var ready = await reaper.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(1, ready);
        var requeued = (await db.Jobs.GetAsync(lost))!;
        Assert.Equal((JobState.Waiting, 1), (requeued.State, requeued.Failures));
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(alive))!.State);
    }

    [Fact]
    public async Task With_no_expired_lease_it_changes_nothing()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        var job = await db.EnqueueAsync(Job());
        await db.Jobs.ClaimAsync(await db.LaneIdAsync(job), 1, "w1", "n1", TimeSpan.FromMinutes(5));

        var ready = await new LeaseReaper(await db.LifecycleAsync(redis), Log<LeaseReaper>()).RunOnceAsync(1, CancellationToken.None);

        Assert.Equal(0, ready);
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(job))!.State);
    }
}
