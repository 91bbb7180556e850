using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class RetryTests
{
    [Fact]
    public async Task A_dead_job_is_retried_with_its_failures_reset_and_its_attempts_still_counting()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync(Job(maxAttempts: 1));
        await db.Jobs.FailAsync(run.Id, run.Attempt, "boom", retryable: true, TimeSpan.Zero);
        await using var probe = await NotificationProbe.StartAsync(db);
        Assert.Equal(JobState.Waiting, await db.Jobs.RetryAsync(run.Id));
        var job = (await db.Jobs.GetAsync(run.Id))!;
        Assert.Equal((JobState.Waiting, 0, 1, (DateTimeOffset?)null), (job.State, job.Failures, job.Attempt, job.FinishedAt));
        Assert.Single(await probe.DrainAsync());
        var again = Assert.Single(await db.Jobs.ClaimAsync(run.Lane.Id, 1, "w1", "n1", TimeSpan.FromMinutes(1)));
        Assert.Equal(2, again.Attempt);
    }

    [Fact]
    public async Task Completed_and_live_jobs_are_not_retried_and_unknown_jobs_give_null()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, null)]);
        var waiting = await db.EnqueueOneAsync();
        Assert.Equal(JobState.Completed, await db.Jobs.RetryAsync(run.Id));
        Assert.Equal(JobState.Waiting, await db.Jobs.RetryAsync(waiting));
        Assert.Null(await db.Jobs.RetryAsync(555555));
    }

    [Fact]
    public async Task A_cancelled_job_whose_unique_key_is_taken_again_stays_cancelled()
    {
        await using var db = await CreateAsync();
        var first = await db.EnqueueOneAsync(Job(uniqueKey: "report"));
        await db.Jobs.CancelAsync(first, "changed my mind");
        await db.EnqueueOneAsync(Job(uniqueKey: "report"));
        Assert.Equal(JobState.Cancelled, await db.Jobs.RetryAsync(first));
        Assert.Equal(JobState.Cancelled, (await db.Jobs.GetAsync(first))!.State);
    }
}
