using Worcr.Core.Jobs;
using Worcr.Server.Maintenance;
using static Worcr.Server.Tests.Maintenance.MaintenanceDatabase;

namespace Worcr.Server.Tests.Maintenance;

public sealed class JobExpirerTests
{
    [Fact]
    public async Task A_job_past_its_expires_at_that_never_started_is_expired_and_makes_nothing_ready()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);
        var stale = await db.EnqueueAsync(Job(expiresAt: inAnHour));
        var fresh = await db.EnqueueAsync(Job(expiresAt: inAnHour));
        await db.MakePastAsync(stale, "expires_at");
        var expirer = new JobExpirer(await db.LifecycleAsync(redis), Log<JobExpirer>());

        var ready = await expirer.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(0, ready);
        Assert.Equal(JobState.Expired, (await db.Jobs.GetAsync(stale))!.State);
        Assert.Equal(JobState.Waiting, (await db.Jobs.GetAsync(fresh))!.State);
    }
}
