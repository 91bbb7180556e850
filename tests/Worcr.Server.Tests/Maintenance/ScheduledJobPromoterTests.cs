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
        var promoter = new ScheduledJobPromoter(await db.LifecycleAsync(redis), TimeSpan.MaxValue, TimeProvider.System, Log<ScheduledJobPromoter>());

        var ready = await promoter.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(1, ready);
        Assert.Equal(JobState.Waiting, (await db.Jobs.GetAsync(due))!.State);
        Assert.Equal(JobState.Scheduled, (await db.Jobs.GetAsync(later))!.State);
    }

    /// <summary>One batch a pass capped promotion at 1,000 jobs a second: a backlog now goes in one pass, batch after batch.</summary>
    [Fact]
    public async Task A_backlog_larger_than_a_batch_is_promoted_in_one_pass()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        var due = await db.EnqueueDueBacklogAsync(ScheduledJobPromoter.BatchSize * 2 + 500, "run_at");
        var promoter = new ScheduledJobPromoter(await db.LifecycleAsync(redis), TimeSpan.MaxValue, TimeProvider.System, Log<ScheduledJobPromoter>());

        var ready = await promoter.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(due.Count, ready);
        Assert.Equal(due.Count, await db.Jobs.CountAsync(JobState.Waiting));
    }

    /// <summary>The pass's budget spent, the rest waits for the next pass (a budget of zero: one batch a pass).</summary>
    [Fact]
    public async Task A_pass_stops_catching_up_once_its_budget_is_spent_and_the_next_pass_goes_on()
    {
        await using var db = await CreateAsync();
        await using var redis = await ConnectRedisAsync();
        await db.EnqueueDueBacklogAsync(ScheduledJobPromoter.BatchSize + 500, "run_at");
        var promoter = new ScheduledJobPromoter(await db.LifecycleAsync(redis), TimeSpan.Zero, TimeProvider.System, Log<ScheduledJobPromoter>());

        var first = await promoter.RunOnceAsync(fencingToken: 1, CancellationToken.None);
        var second = await promoter.RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal([ScheduledJobPromoter.BatchSize, 500], [first, second]);
    }
}
