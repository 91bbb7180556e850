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
        var expirer = new JobExpirer(await db.LifecycleAsync(redis), TimeSpan.MaxValue, TimeProvider.System, Log<JobExpirer>());

        var ready = await expirer.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(0, ready);
        Assert.Equal(JobState.Expired, (await db.Jobs.GetAsync(stale))!.State);
        Assert.Equal(JobState.Waiting, (await db.Jobs.GetAsync(fresh))!.State);
    }

    [Fact]
    public async Task A_backlog_larger_than_a_batch_is_expired_in_one_pass()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        var stale = await db.EnqueueDueBacklogAsync(JobExpirer.BatchSize * 2 + 500, "expires_at");
        var expirer = new JobExpirer(await db.LifecycleAsync(redis), TimeSpan.MaxValue, TimeProvider.System, Log<JobExpirer>());

        await expirer.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(0, await db.Jobs.CountAsync(JobState.Waiting));
        Assert.Equal(stale.Count, await db.Jobs.CountAsync(JobState.Expired));
    }
}
