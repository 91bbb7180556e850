using Worcr.Core.Jobs;
using Worcr.Server.Maintenance;
using Worcr.Server.Tests.Infrastructure;
using static Worcr.Server.Tests.Maintenance.MaintenanceDatabase;

namespace Worcr.Server.Tests.Maintenance;

public sealed class CronMaintainerTests
{
    [Fact]
    public async Task A_due_schedule_fires_once_and_its_job_is_counted_as_ready()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        await db.Cron.UpsertAsync(CronData.Schedule("hourly", "0 * * * *"), _ => DateTimeOffset.UtcNow.AddHours(-1));
        var cron = new CronMaintainer(db.Cron, Node("node-a"), CronJobPolicy.Of(await db.LifecycleAsync(redis)), Log<CronMaintainer>());

        var first = await cron.RunOnceAsync(fencingToken: 7, CancellationToken.None);
        var second = await cron.RunOnceAsync(fencingToken: 7, CancellationToken.None);

        Assert.Equal((1, 0), (first, second));
        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Waiting));
    }
}
