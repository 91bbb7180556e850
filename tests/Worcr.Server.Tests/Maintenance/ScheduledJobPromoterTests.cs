using Worcr.Core.Jobs;
using Worcr.Server.Maintenance;
using static Worcr.Server.Tests.Maintenance.MaintenanceDatabase;

namespace Worcr.Server.Tests.Maintenance;

public sealed class ScheduledJobPromoterTests
{
    [Fact]
    public async Task A_scheduled_job_becomes_waiting_once_its_run_at_has_come_and_a_later_one_stays_scheduled()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);
        var due = await db.EnqueueAsync(Job(runAt: inAnHour));
        var later = await db.EnqueueAsync(Job(runAt: inAnHour));
        await db.MakePastAsync(due, "run_at");
        var promoter = new ScheduledJobPromoter(await db.LifecycleAsync(redis), Log<ScheduledJobPromoter>());

        var ready = await promoter.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(1, ready);
        Assert.Equal(JobState.Waiting, (await db.Jobs.GetAsync(due))!.State);
        Assert.Equal(JobState.Scheduled, (await db.Jobs.GetAsync(later))!.State);
    }
}
