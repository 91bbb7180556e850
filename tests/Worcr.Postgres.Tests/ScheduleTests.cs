using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public async Task Due_scheduled_jobs_are_promoted_to_waiting_with_a_notification()
    {
        await using var db = await CreateAsync();
        var results = await db.Jobs.EnqueueAsync([Job(runAt: DateTimeOffset.UtcNow.AddHours(1)), Job(runAt: DateTimeOffset.UtcNow.AddHours(2))]);
        await db.ScalarAsync($"UPDATE __schema__.jobs SET run_at = now() - interval '1 second' WHERE id = {results[0].Id}");
        await using var probe = await NotificationProbe.StartAsync(db);
        Assert.Equal(1, await db.Jobs.PromoteDueAsync(100));
        Assert.Equal(JobState.Waiting, (await db.Jobs.GetAsync(results[0].Id))!.State);
        Assert.Equal(JobState.Scheduled, (await db.Jobs.GetAsync(results[1].Id))!.State);
        var notification = Assert.Single(await probe.DrainAsync());
        Assert.Equal(new Dictionary<long, int> { [await db.LaneOfAsync(results[0].Id)] = 1 }, JobsPayload.Parse(notification.Payload));
    }

    [Fact]
    public async Task Promotion_respects_its_limit_and_next_due_is_empty_when_nothing_is_scheduled()
    {
        await using var db = await CreateAsync();
        Assert.Null(await db.Jobs.NextDueAsync());
        await db.Jobs.EnqueueAsync(Enumerable.Range(0, 5).Select(_ => Job(runAt: DateTimeOffset.UtcNow.AddHours(1))).ToArray());
        await db.ScalarAsync("UPDATE __schema__.jobs SET run_at = now() - interval '1 second'");
        Assert.Equal(3, await db.Jobs.PromoteDueAsync(3));
        Assert.Equal(2, await db.Jobs.PromoteDueAsync(3));
        Assert.Equal(5L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    [Fact]
    public async Task Unstarted_jobs_past_their_expiry_move_to_history_as_expired()
    {
        await using var db = await CreateAsync();
        var late = await db.EnqueueOneAsync(Job(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        var fine = await db.EnqueueOneAsync(Job(expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        var running = await db.RunOneAsync(Job(type: "running", expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        await db.ScalarAsync($"UPDATE __schema__.jobs SET expires_at = now() - interval '1 second' WHERE id = {running.Id}");
        Assert.Equal(1, await db.Jobs.ExpireAsync(100));
        Assert.Equal(JobState.Expired, (await db.Jobs.GetAsync(late))!.State);
        Assert.Equal(JobState.Waiting, (await db.Jobs.GetAsync(fine))!.State);
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(running.Id))!.State);
    }

    [Fact]
    public async Task A_job_that_expires_waiting_for_its_retry_keeps_the_error_of_its_attempt()
    {
        await using var db = await CreateAsync();
        var failed = await db.RunOneAsync(Job(expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        await db.Jobs.FailAsync(failed.Id, failed.Attempt, "smtp refused", retryable: true, TimeSpan.FromHours(1));
        var lost = await db.RunOneAsync(Job(type: "lost", expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        await db.ScalarAsync($"UPDATE __schema__.jobs SET state = 'waiting', last_error = NULL WHERE id = {lost.Id}");
        var unstarted = await db.EnqueueOneAsync(Job(type: "unstarted", expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        await db.ScalarAsync("UPDATE __schema__.jobs SET expires_at = now() - interval '1 second'");

        Assert.Equal(3, await db.Jobs.ExpireAsync(100));

        Assert.Equal((JobState.Expired, "smtp refused"), await StateAndErrorAsync(db, failed.Id));
        Assert.Equal((JobState.Expired, "expired before its next attempt"), await StateAndErrorAsync(db, lost.Id));
        Assert.Equal((JobState.Expired, "expired before it started"), await StateAndErrorAsync(db, unstarted));
    }

    private static async Task<(JobState, string?)> StateAndErrorAsync(PooledDatabase db, long id) =>
        (await db.Jobs.GetAsync(id)) is { } job ? (job.State, job.LastError) : throw new InvalidOperationException($"job {id} not found");
}
