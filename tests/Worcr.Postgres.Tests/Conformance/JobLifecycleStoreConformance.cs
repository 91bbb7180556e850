using Worcr.Core.Jobs;
using Worcr.Core.Retries;

namespace Worcr.Postgres.Tests.Conformance;

/// <summary>
/// What every <see cref="IJobLifecycleStore"/> must do, whatever its database: each transition is applied whole,
/// fenced by the attempt, and reports what it did. A store passes by subclassing this with its own setup (the
/// hooks below do what the lifecycle interface leaves to other parts: claiming a job, ageing a lease).
/// </summary>
public abstract class JobLifecycleStoreConformance : IAsyncLifetime
{
    private IJobLifecycleStore? _store;

    protected IJobLifecycleStore Store => _store ?? throw new InvalidOperationException("The store is not open yet.");

    /// <summary>A fresh, empty store for one test.</summary>
    protected abstract Task<IJobLifecycleStore> OpenAsync();

    /// <summary>Hands the waiting job to <paramref name="workerId"/> on <paramref name="nodeId"/> (the dispatch side's claim); returns its attempt.</summary>
    protected abstract Task<int> StartAsync(long jobId, string workerId = "w1", string nodeId = "n1");

    /// <summary>Makes the running job's lease run out, as if its worker stopped renewing it long ago.</summary>
    protected abstract Task ExpireLeaseAsync(long jobId);

    protected abstract Task CloseAsync();

    public async Task InitializeAsync() => _store = await OpenAsync();

    public Task DisposeAsync() => CloseAsync();

    protected static NewJob Job(string type = "email", string? uniqueKey = null, int maxAttempts = 3, DateTimeOffset? runAt = null, DateTimeOffset? expiresAt = null) =>
        new("acme", type, ["eu"], """{"to":"a@example.com"}""", 1, maxAttempts, runAt, expiresAt, uniqueKey, null);

    private async Task<long> EnqueueAsync(NewJob? job = null) => (await Store.EnqueueAsync([job ?? Job()]))[0].Id;

    private async Task<(long Id, int Attempt)> RunningAsync(NewJob? job = null, string workerId = "w1")
    {
        var id = await EnqueueAsync(job);
        return (id, await StartAsync(id, workerId));
    }

    private async Task<JobState?> StateOfAsync(long id) => (await Store.GetStatesAsync([id])).SingleOrDefault()?.State;

    private static Func<FailureBudget, FailDecision> Always(FailDecision decision) => _ => decision;

    [Fact]
    public async Task Enqueue_answers_in_input_order_and_a_live_unique_key_gives_the_existing_job()
    {
        var first = await Store.EnqueueAsync([Job(uniqueKey: "k"), Job(runAt: DateTimeOffset.UtcNow.AddHours(1))]);
        Assert.Equal([(false, JobState.Waiting), (false, JobState.Scheduled)], first.Select(e => (e.Duplicate, e.State)));
        var again = Assert.Single(await Store.EnqueueAsync([Job(uniqueKey: "k")]));
        Assert.Equal((true, first[0].Id), (again.Duplicate, again.Id));
    }

    [Fact]
    public async Task Completing_the_running_attempt_is_accepted_once_and_a_stale_attempt_is_refused()
    {
        var (id, attempt) = await RunningAsync();
        var other = await EnqueueAsync(Job(type: "other"));
        Assert.Equal([false, true, false], await Store.CompleteAsync([new(id, attempt - 1, null), new(id, attempt, """{"ok":true}"""), new(other, 1, null)]));
        Assert.Equal([false], await Store.CompleteAsync([new Completion(id, attempt, null)]));
        Assert.Equal(JobState.Completed, await StateOfAsync(id));
        Assert.Equal(JobState.Waiting, await StateOfAsync(other));
    }

    [Fact]
    public async Task A_completion_is_found_stored_only_as_completed_by_its_own_attempt_and_holder()
    {
        var holder = new LeaseHolder("w1", "n1");
        var (id, attempt) = await RunningAsync();
        Assert.Equal([true], await Store.CompleteAsync([new Completion(id, attempt, null) { Holder = holder }]));
        var (cancelled, cancelledAttempt) = await RunningAsync(Job(type: "other"));
        await Store.CancelAsync(cancelled, "stop");

        Assert.Equal([true, false, false, false, true], await Store.WereCompletedAsync([
            new Completion(id, attempt, null) { Holder = holder },
            new Completion(id, attempt - 1, null) { Holder = holder },
            new Completion(id, attempt, null) { Holder = new LeaseHolder("w2", "n1") },
            new Completion(cancelled, cancelledAttempt, null) { Holder = holder },
            new Completion(id, attempt, null),
        ]));
    }

    [Fact]
    public async Task A_failure_asks_for_a_decision_with_the_failure_budget_and_a_retry_counts_the_failure()
    {
        var (id, attempt) = await RunningAsync(Job(maxAttempts: 4));
        var seen = new List<FailureBudget>();
        var outcome = await Store.FailAsync(new JobFailure(id, attempt, "boom"), budget =>
        {
            seen.Add(budget);
            return FailDecision.RetryAfter(TimeSpan.Zero);
        });
        Assert.Equal((true, JobState.Failed), (outcome.Accepted, outcome.State));
        Assert.NotNull(outcome.RetryAt);
        Assert.Equal([new FailureBudget(0, 4)], seen);
        Assert.Equal(id, Assert.Single(await Store.PromoteDueJobsAsync(10)).Id);
        var second = await StartAsync(id);
        await Store.FailAsync(new JobFailure(id, second, "boom again"), budget =>
        {
            seen.Add(budget);
            return FailDecision.RetryAfter(TimeSpan.FromHours(1));
        });
        Assert.Equal(new FailureBudget(1, 4), seen[^1]);
        Assert.Empty(await Store.PromoteDueJobsAsync(10));
    }

    [Fact]
    public async Task A_dead_decision_makes_the_job_dead_whatever_budget_is_left()
    {
        var (id, attempt) = await RunningAsync(Job(maxAttempts: 10));
        var outcome = await Store.FailAsync(new JobFailure(id, attempt, "bad input"), Always(FailDecision.Dead));
        Assert.Equal((true, JobState.Dead, (DateTimeOffset?)null), (outcome.Accepted, outcome.State, outcome.RetryAt));
        Assert.Equal(JobState.Dead, await StateOfAsync(id));
    }

    [Fact]
    public async Task A_failure_of_an_attempt_that_no_longer_runs_is_refused_without_asking_for_a_decision()
    {
        var (id, attempt) = await RunningAsync();
        var outcome = await Store.FailAsync(new JobFailure(id, attempt + 1, "late"), _ => throw new InvalidOperationException("must not be asked"));
        Assert.Equal((false, JobState.Running), (outcome.Accepted, outcome.State));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.FailAsync(new JobFailure(987654, 1, "who?"), Always(FailDecision.Dead)));
    }

    [Fact]
    public async Task A_yield_hands_the_job_back_without_a_failure_now_or_after_its_delay()
    {
        var (now, nowAttempt) = await RunningAsync();
        var (later, laterAttempt) = await RunningAsync(Job(type: "later"));
        Assert.True(await Store.YieldAsync(now, nowAttempt, TimeSpan.Zero));
        Assert.True(await Store.YieldAsync(later, laterAttempt, TimeSpan.FromHours(1)));
        Assert.False(await Store.YieldAsync(now, nowAttempt, TimeSpan.Zero));
        Assert.Equal((JobState.Waiting, JobState.Scheduled), (await StateOfAsync(now), await StateOfAsync(later)));
        var next = await StartAsync(now);
        var seen = default(FailureBudget);
        await Store.FailAsync(new JobFailure(now, next, "x"), budget => { seen = budget; return FailDecision.Dead; });
        Assert.Equal(0, seen!.Failures);
    }

    [Fact]
    public async Task Cancel_stops_an_unfinished_job_and_reports_a_finished_or_unknown_one()
    {
        var waiting = await EnqueueAsync();
        var (running, attempt) = await RunningAsync(Job(type: "running"), workerId: "w9");
        var cancelled = await Store.CancelAsync(waiting, "not needed");
        Assert.Equal((true, true, JobState.Waiting, "acme"), (cancelled.Found, cancelled.Cancelled, cancelled.State, cancelled.Tenant));
        var stopped = await Store.CancelAsync(running, "stop");
        Assert.Equal((true, JobState.Running, "w9", attempt), (stopped.Cancelled, stopped.State, stopped.WorkerId, stopped.Attempt));
        Assert.Equal([false], await Store.CompleteAsync([new Completion(running, attempt, null)]));
        var again = await Store.CancelAsync(waiting, "again");
        Assert.Equal((true, false, JobState.Cancelled), (again.Found, again.Cancelled, again.State));
        Assert.False((await Store.CancelAsync(987654, "nothing")).Found);
    }

    [Fact]
    public async Task Expire_ends_jobs_past_their_expiry_that_never_started()
    {
        var late = await EnqueueAsync(Job(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        var fine = await EnqueueAsync(Job(type: "fine", expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        var expired = Assert.Single(await Store.ExpireJobsAsync(100));
        Assert.Equal((late, JobState.Expired, "acme", "email"), (expired.Id, expired.State, expired.Tenant, expired.Type));
        Assert.Equal((JobState.Expired, JobState.Waiting), (await StateOfAsync(late), await StateOfAsync(fine)));
    }

    [Fact]
    public async Task A_released_worker_loses_its_jobs_each_counting_a_failure_and_the_last_attempt_is_dead()
    {
        var (again, _) = await RunningAsync(Job(maxAttempts: 2), workerId: "gone");
        var (last, _) = await RunningAsync(Job(type: "last", maxAttempts: 1), workerId: "gone");
        var (other, _) = await RunningAsync(Job(type: "other"), workerId: "stays");
        var changes = await Store.ReleaseWorkerJobsAsync("gone", "n1", "worker gone");
        Assert.Equal([(again, JobState.Waiting, "worker gone"), (last, JobState.Dead, "worker gone")],
            changes.OrderBy(c => c.Id).Select(c => (c.Id, c.State, c.LastError)));
        Assert.Equal(JobState.Running, await StateOfAsync(other));
        Assert.Empty(await Store.ReleaseWorkerJobsAsync("gone", "n1", "twice"));
    }

    [Fact]
    public async Task The_reaper_requeues_jobs_whose_lease_ran_out_and_leaves_live_leases_alone()
    {
        var (lost, attempt) = await RunningAsync();
        var (live, _) = await RunningAsync(Job(type: "live"));
        await ExpireLeaseAsync(lost);
        var change = Assert.Single(await Store.RequeueExpiredLeaseJobsAsync());
        Assert.Equal((lost, JobState.Waiting, attempt), (change.Id, change.State, change.Attempt));
        Assert.Equal(JobState.Running, await StateOfAsync(live));
        Assert.False((await Store.CompleteAsync([new Completion(lost, attempt, null)]))[0]);
    }

    [Fact]
    public async Task A_manual_retry_brings_a_final_job_back_with_its_failures_reset_and_leaves_live_jobs_alone()
    {
        var (id, attempt) = await RunningAsync(Job(maxAttempts: 1));
        await Store.FailAsync(new JobFailure(id, attempt, "boom"), Always(FailDecision.Dead));
        var retried = await Store.RetryJobAsync(id);
        Assert.Equal(new RetryOutcome(true, JobState.Waiting, "acme", attempt), retried);
        var live = await Store.RetryJobAsync(id);
        Assert.Equal((false, JobState.Waiting), (live!.Retried, live.State));
        Assert.Null(await Store.RetryJobAsync(987654));
        var next = await StartAsync(id);
        var seen = default(FailureBudget);
        await Store.FailAsync(new JobFailure(id, next, "x"), budget => { seen = budget; return FailDecision.Dead; });
        Assert.Equal(new FailureBudget(0, 1), seen);
    }

    [Fact]
    public async Task A_failed_job_can_be_run_now_instead_of_at_its_retry_time()
    {
        var (id, attempt) = await RunningAsync();
        await Store.FailAsync(new JobFailure(id, attempt, "boom"), Always(FailDecision.RetryAfter(TimeSpan.FromHours(1))));
        Assert.Equal(new RetryOutcome(true, JobState.Waiting, "acme", attempt), await Store.RetryFailedNowAsync(id));
        Assert.Equal(new RetryOutcome(false, JobState.Waiting), await Store.RetryFailedNowAsync(id));
        Assert.Null(await Store.RetryFailedNowAsync(987654));
    }

    [Fact]
    public async Task States_are_read_for_known_jobs_only()
    {
        var id = await EnqueueAsync();
        var state = Assert.Single(await Store.GetStatesAsync([id, 987654]));
        Assert.Equal((id, "acme", JobState.Waiting), (state.Id, state.Tenant, state.State));
    }
}
