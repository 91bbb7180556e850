using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class YieldTests
{
    [Fact]
    public async Task A_yielded_job_waits_again_without_a_failure_and_notifies()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        await using var probe = await NotificationProbe.StartAsync(db);
        Assert.True(await db.Jobs.YieldAsync(run.Id, run.Attempt, TimeSpan.Zero));
        var job = (await db.Jobs.GetAsync(run.Id))!;
        Assert.Equal((JobState.Waiting, 0, 1), (job.State, job.Failures, job.Attempt));
        var notification = Assert.Single(await probe.DrainAsync());
        Assert.Equal(new Dictionary<long, int> { [run.Lane.Id] = 1 }, JobsPayload.Parse(notification.Payload));
        var again = Assert.Single(await db.Jobs.ClaimAsync(run.Lane.Id, 1, "w1", "n1", TimeSpan.FromMinutes(1)));
        Assert.Equal(2, again.Attempt);
    }

    [Fact]
    public async Task A_yield_with_a_delay_schedules_the_job_and_a_stale_yield_is_rejected()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        Assert.False(await db.Jobs.YieldAsync(run.Id, run.Attempt + 1, TimeSpan.Zero));
        Assert.True(await db.Jobs.YieldAsync(run.Id, run.Attempt, TimeSpan.FromMinutes(5)));
        Assert.Equal(JobState.Scheduled, (await db.Jobs.GetAsync(run.Id))!.State);
        Assert.Empty(await db.Jobs.ReadBacklogAsync());
    }
}
