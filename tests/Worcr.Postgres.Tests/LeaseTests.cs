using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class LeaseTests
{
    [Fact]
    public async Task Releasing_a_worker_requeues_its_jobs_with_a_failure_and_leaves_other_workers_alone()
    {
        await using var db = await CreateAsync();
        var mine = await db.RunOneAsync(worker: "w1");
        var other = await db.RunOneAsync(worker: "w2");
        await using var probe = await NotificationProbe.StartAsync(db);
        var released = await db.Jobs.ReleaseWorkerAsync("w1", "n1", "stream broke");
        Assert.Equal([mine.Id], released);
        var job = (await db.Jobs.GetAsync(mine.Id))!;
        Assert.Equal((JobState.Waiting, 1, "stream broke"), (job.State, job.Failures, job.LastError));
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(other.Id))!.State);
        Assert.Single(await probe.DrainAsync());
    }

    [Fact]
    public async Task A_released_job_on_its_last_attempt_is_dead()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync(Job(maxAttempts: 1));
        Assert.Equal([run.Id], await db.Jobs.ReleaseWorkerAsync("w1", "n1", "node died"));
        Assert.Equal(JobState.Dead, (await db.Jobs.GetAsync(run.Id))!.State);
    }

    [Fact]
    public async Task The_reaper_requeues_jobs_whose_lease_expired_by_the_database_clock()
    {
        await using var db = await CreateAsync();
        var expiring = await db.EnqueueOneAsync();
        var healthy = await db.EnqueueOneAsync(Job(type: "other"));
        await db.Jobs.ClaimAsync(await db.LaneOfAsync(expiring), 1, "w1", "n1", TimeSpan.FromMilliseconds(5));
        await db.Jobs.ClaimAsync(await db.LaneOfAsync(healthy), 1, "w1", "n1", TimeSpan.FromMinutes(5));
        await db.ScalarAsync("SELECT pg_sleep(0.05)"); // waits on the database clock, which leases are measured by
        Assert.Equal([expiring], await db.Jobs.RequeueExpiredLeasesAsync());
        var job = (await db.Jobs.GetAsync(expiring))!;
        Assert.Equal((JobState.Waiting, 1, "lease expired"), (job.State, job.Failures, job.LastError));
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(healthy))!.State);
    }

    [Fact]
    public async Task Renewing_leases_keeps_a_worker_jobs_from_the_reaper()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        await db.ScalarAsync($"UPDATE __schema__.jobs SET lease_expires_at = now() - interval '1 minute' WHERE id = {run.Id}");
        Assert.Equal(1, await db.Jobs.RenewLeasesAsync(new LeaseHolder("w1", "n1"), [(run.Id, run.Attempt)], TimeSpan.FromMinutes(1)));
        Assert.Empty(await db.Jobs.RequeueExpiredLeasesAsync());
        Assert.Equal(0, await db.Jobs.RenewLeasesAsync(new LeaseHolder("w1", "other-node"), [(run.Id, run.Attempt)], TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_renewal_extends_only_the_attempts_it_names_so_those_of_a_dead_stream_under_the_same_worker_id_lapse()
    {
        await using var db = await CreateAsync();
        // The worker's first stream died holding one attempt; it reconnected to the same node and was given another.
        var orphaned = await db.RunOneAsync();
        var current = await db.RunOneAsync();
        await db.ScalarAsync($"UPDATE __schema__.jobs SET lease_expires_at = now() - interval '1 minute' WHERE id IN ({orphaned.Id}, {current.Id})");

        Assert.Equal(1, await db.Jobs.RenewLeasesAsync(new LeaseHolder("w1", "n1"), [(current.Id, current.Attempt)], TimeSpan.FromMinutes(1)));

        Assert.Equal([orphaned.Id], await db.Jobs.RequeueExpiredLeasesAsync());
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(current.Id))!.State);
    }

    [Fact]
    public async Task A_renewal_does_not_extend_an_attempt_that_was_replaced()
    {
        await using var db = await CreateAsync();
        var first = await db.RunOneAsync();
        await db.Jobs.ReleaseWorkerAsync("w1", "n1", "stream broke");
        var second = Assert.Single(await db.Jobs.ClaimAsync(await db.LaneOfAsync(first.Id), 1, "w1", "n1", TimeSpan.FromMinutes(1)));

        Assert.Equal(0, await db.Jobs.RenewLeasesAsync(new LeaseHolder("w1", "n1"), [(first.Id, first.Attempt)], TimeSpan.FromMinutes(1)));
        Assert.Equal(1, await db.Jobs.RenewLeasesAsync(new LeaseHolder("w1", "n1"), [(second.Id, second.Attempt)], TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_renewal_says_which_attempts_the_holder_still_holds_so_a_requeued_one_can_be_stopped()
    {
        await using var db = await CreateAsync();
        var requeued = await db.RunOneAsync();
        var finishing = await db.RunOneAsync();
        var kept = await db.RunOneAsync();
        (long, int)[] asked = [(requeued.Id, requeued.Attempt), (finishing.Id, finishing.Attempt), (kept.Id, kept.Attempt)];
        // The leader requeued one after its lease ran out (the node missed the cancel); another is locked by its completion.
        await db.ScalarAsync($"UPDATE __schema__.jobs SET lease_expires_at = now() - interval '1 minute' WHERE id = {requeued.Id}");
        Assert.Equal([requeued.Id], await db.Jobs.RequeueExpiredLeasesAsync());
        await using var locker = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockRow = new Npgsql.NpgsqlCommand($"SELECT 1 FROM \"{db.Schema}\".jobs WHERE id = {finishing.Id} FOR UPDATE", locker, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var renewal = await db.Jobs.RenewHeldLeasesAsync(new LeaseHolder("w1", "n1"), asked, TimeSpan.FromMinutes(1)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([(finishing.Id, finishing.Attempt), (kept.Id, kept.Attempt)], renewal.Held.Order());
        Assert.Equal([(kept.Id, kept.Attempt)], renewal.Renewed.Order());
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task Renewing_skips_a_job_locked_by_its_completion_instead_of_waiting_for_it()
    {
        await using var db = await CreateAsync();
        var finishing = await db.RunOneAsync();
        var other = await db.RunOneAsync();
        (long, int)[] both = [(finishing.Id, finishing.Attempt), (other.Id, other.Attempt)];
        // Another session holds the row lock a completion batch takes, and keeps it until rolled back.
        await using var locker = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockRow = new Npgsql.NpgsqlCommand($"SELECT 1 FROM \"{db.Schema}\".jobs WHERE id = {finishing.Id} FOR UPDATE", locker, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var renewed = await db.Jobs.RenewLeasesAsync(new LeaseHolder("w1", "n1"), both, TimeSpan.FromMinutes(1)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, renewed);
        await transaction.RollbackAsync();
        Assert.Equal(2, await db.Jobs.RenewLeasesAsync(new LeaseHolder("w1", "n1"), both, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_stale_worker_cannot_complete_the_run_that_replaced_it()
    {
        await using var db = await CreateAsync();
        var first = await db.RunOneAsync();
        await db.Jobs.ReleaseWorkerAsync("w1", "n1", "lost");
        var second = Assert.Single(await db.Jobs.ClaimAsync(first.Lane.Id, 1, "w2", "n1", TimeSpan.FromMinutes(1)));
        Assert.Equal([false, true], await db.Jobs.CompleteAsync([new Completion(first.Id, first.Attempt, null), new Completion(second.Id, second.Attempt, null)]));
        Assert.Equal("w2", (await db.Jobs.GetAsync(first.Id))!.WorkerId);
    }
}
