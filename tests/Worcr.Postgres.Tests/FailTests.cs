using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class FailTests
{
    [Fact]
    public async Task A_failed_job_is_retried_after_its_delay_then_dead_when_its_attempts_run_out()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync(Job(maxAttempts: 2));
        var first = await db.Jobs.FailAsync(run.Id, run.Attempt, "boom", retryable: true, TimeSpan.Zero);
        Assert.Equal((true, JobState.Failed), (first.Accepted, first.State));
        Assert.NotNull(first.RetryAt);
        Assert.Equal(1, await db.Jobs.PromoteDueAsync(10));
        var rerun = Assert.Single(await db.Jobs.ClaimAsync(run.Lane.Id, 1, "w2", "n1", TimeSpan.FromMinutes(1)));
        Assert.Equal(2, rerun.Attempt);
        var second = await db.Jobs.FailAsync(rerun.Id, rerun.Attempt, "boom again", retryable: true, TimeSpan.Zero);
        Assert.Equal((true, JobState.Dead, (DateTimeOffset?)null), (second.Accepted, second.State, second.RetryAt));
        var dead = (await db.Jobs.GetAsync(run.Id))!;
        Assert.Equal((JobState.Dead, 2, 2, "boom again"), (dead.State, dead.Failures, dead.Attempt, dead.LastError));
    }

    [Fact]
    public async Task A_retry_delay_sets_run_at_in_the_future_so_the_job_is_not_promoted_yet()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        var outcome = await db.Jobs.FailAsync(run.Id, run.Attempt, "slow down", retryable: true, TimeSpan.FromHours(1));
        Assert.True(outcome.RetryAt > DateTimeOffset.UtcNow.AddMinutes(59));
        Assert.Equal(0, await db.Jobs.PromoteDueAsync(10));
        Assert.Equal(outcome.RetryAt, await db.Jobs.NextDueAsync());
    }

    [Fact]
    public async Task A_non_retryable_failure_is_dead_at_once()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync(Job(maxAttempts: 5));
        var outcome = await db.Jobs.FailAsync(run.Id, run.Attempt, "bad input", retryable: false, TimeSpan.Zero);
        Assert.Equal(JobState.Dead, outcome.State);
        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Dead));
    }

    [Fact]
    public async Task A_failure_quoting_a_stale_attempt_is_rejected_and_changes_nothing()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        var outcome = await db.Jobs.FailAsync(run.Id, run.Attempt - 1, "late", retryable: true, TimeSpan.Zero);
        Assert.Equal((false, JobState.Running), (outcome.Accepted, outcome.State));
        Assert.Equal(0, (await db.Jobs.GetAsync(run.Id))!.Failures);
    }
}
