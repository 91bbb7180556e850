using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Core.Dispatch;
using Worcr.Core.Jobs;
using Worcr.Core.Retries;
using Worcr.Postgres;
using Worcr.Server.Enqueue;
using Worcr.Server.Hosting;
using Worcr.Server.JobTypes;
using Worcr.Server.Limits;
using Worcr.Server.Rules;
using Worcr.Server.Telemetry;
using Worcr.Server.Workers;

namespace Worcr.Server.Lifecycle;

/// <summary>
/// Every move of a job from one state to another goes through here: enqueue, started, complete, fail (retry or
/// dead), yield, cancel, expire, promote, requeue of a lost worker stream's jobs and manual retry. Each transition asks the
/// policy, has the store apply it atomically (the store's statement writes the webhook events too, so they commit
/// with the change), announces its state change on the live events and counts it in the metrics, and returns what
/// it did. The gRPC services and admin endpoints only translate to and from these calls. docs/job-lifecycle.md
/// draws the states.
/// </summary>
internal sealed class JobLifecycle
{
    /// <summary>Error texts longer than this are cut before they are stored and announced.</summary>
    public const int MaxErrorLength = Core.Input.ReportLimits.MaxErrorLength;

    private readonly IJobLifecycleStore _store;
    private readonly IJobEvents _events;
    private readonly EnqueuePolicy _enqueuePolicy;
    private readonly RetryRules _retryRules;
    private readonly EnqueueBatcher _enqueues;
    private readonly CompletionBatcher _completions;
    private readonly StoreRetry _outcomes = new();
    private readonly ILogger _logger;

    public JobLifecycle(IJobLifecycleStore store, IJobEvents events, IOptions<RetryOptions> retries, IOptions<ListenerOptions> listener, IOptions<RetentionOptions> retention,
        RuleCatalog rules, JobTypeRegistry jobTypes, Limits.NodeLimits limits, TimeProvider time, ILogger logger)
    {
        _store = store;
        _events = events;
        _enqueuePolicy = new EnqueuePolicy(retries.Value, listener.Value.MaxMessageSize, retention.Value.History(), rules, jobTypes, limits, time, logger) { Telemetry = () => Telemetry };
        _retryRules = new RetryRules(retries.Value, rules, jobTypes, logger) { Telemetry = () => Telemetry };
        _enqueues = new EnqueueBatcher(store, logger);
        _completions = new CompletionBatcher(store.CompleteAsync, _outcomes, store.WereCompletedAsync) { CommitFailed = (exception, failures) => CompletionLog.CommitFailed(logger, failures, exception) };
        _logger = logger;
    }

    /// <summary>The node's metrics (set once the node has them).</summary>
    public NodeTelemetry? Telemetry { get; init; }

    /// <summary>Group commit of single enqueues until the node stops.</summary>
    public Task RunEnqueuesAsync(CancellationToken stoppingToken) => _enqueues.RunAsync(stoppingToken);

    /// <summary>Group commit of completions until the node stops.</summary>
    public Task RunCompletionsAsync(CancellationToken stoppingToken) => _completions.RunAsync(stoppingToken);

    /// <summary>
    /// The node is stopping: the outcomes still being stored (fails and yields retried, the completion batches) get
    /// <see cref="StoreRetry.StopPatience"/> from the first call on. Returns the token cancelled when that runs out, and that patience.
    /// </summary>
    public (CancellationToken GiveUp, TimeSpan Patience) OutcomesStopping()
    {
        _outcomes.NodeStopping();
        return (_outcomes.GiveUp, _outcomes.StopPatience);
    }

    /// <summary>
    /// The job a submission becomes (enqueue rules, limit keys, the job type's settings), not stored: a cron fire
    /// stores it in its own transaction.
    /// </summary>
    public Task<NewJob> ShapeAsync(JobSubmission submission, CancellationToken cancellationToken) => _enqueuePolicy.ApplyAsync(submission, cancellationToken);

    /// <summary>One job; concurrent calls share a commit. Completes when the job is durable (or found a duplicate).</summary>
    public async Task<EnqueuedJob> EnqueueAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        var job = await _enqueuePolicy.ApplyAsync(submission, cancellationToken);
        var enqueued = await _enqueues.EnqueueAsync(job, cancellationToken);
        Announce(job, enqueued);
        return enqueued;
    }

    /// <summary>A batch in one transaction of its own: all of it is stored, or none.</summary>
    public async Task<IReadOnlyList<EnqueuedJob>> EnqueueBatchAsync(IReadOnlyList<JobSubmission> submissions, CancellationToken cancellationToken)
    {
        var jobs = new List<NewJob>(submissions.Count);
        foreach (var submission in submissions) jobs.Add(await _enqueuePolicy.ApplyAsync(submission, cancellationToken));
        var enqueued = await _store.EnqueueAsync(jobs, cancellationToken);
        for (var i = 0; i < enqueued.Count; i++) Announce(jobs[i], enqueued[i]);
        return enqueued;
    }

    /// <summary>The claim side: a worker is being handed the attempt.</summary>
    public void Started(long jobId, string tenant, int attempt) => _events.StateChanged(StateChanges.Started(jobId, tenant, attempt));

    /// <summary>Completes when the completion is durable: true when accepted, false for an attempt that no longer runs.</summary>
    /// <param name="held">The job as this node handed it out; null when it does not hold it (then metrics skip it).</param>
    public async Task<bool> CompleteAsync(Completion completion, ClaimedJob? held)
    {
        var accepted = await _completions.CompleteAsync(completion);
        Emit(StateChanges.Completed(completion, TenantOf(held), accepted));
        if (accepted) Telemetry?.Finished(held, JobOutcome.Completed);
        return accepted;
    }

    /// <summary>Counts a failed attempt: retried after a delay, or dead, as <see cref="RetryPolicy"/> decides.</summary>
    /// <param name="holder">When set, the failure applies only while this holder holds the attempt's lease.</param>
    public async Task<FailOutcome> FailAsync(FailReport report, long jobId, string error, ClaimedJob? held, LeaseHolder? holder, CancellationToken cancellationToken)
    {
        var failure = new JobFailure(jobId, report.Attempt, Truncate(error)) { Holder = holder };
        return Failed(failure, held, await StoreFailureAsync(report, failure, error, held, cancellationToken));
    }

    /// <summary>
    /// A worker's failure of its attempt, kept and tried again until PostgreSQL takes it, as completions are
    /// (<see cref="StoreRetry"/>): a PostgreSQL outage of a second must neither lose it nor end the worker's stream.
    /// Each try is fenced by <paramref name="holder"/> and the attempt, so one whose attempt was requeued meanwhile is
    /// refused; one that finds the attempt ended by an earlier try whose answer was lost is not (<see cref="StoreRetry.StoreOutcomeAsync"/>).
    /// </summary>
    public async Task<FailOutcome> FailUntilStoredAsync(FailReport report, long jobId, string error, ClaimedJob? held, LeaseHolder holder)
    {
        var failure = new JobFailure(jobId, report.Attempt, Truncate(error)) { Holder = holder };
        var outcome = await _outcomes.StoreOutcomeAsync(ct => StoreFailureAsync(report, failure, error, held, ct), o => o.Accepted, _store.IsCommittedAsync,
            (exception, failures) => CompletionLog.OutcomeFailed(_logger, "failure", jobId, report.Attempt, failures, exception));
        return Failed(failure, held, outcome);
    }

    private async Task<FailOutcome> StoreFailureAsync(FailReport report, JobFailure failure, string error, ClaimedJob? held, CancellationToken cancellationToken)
    {
        var backoff = await _retryRules.BackoffForAsync(held, cancellationToken);
        return await _store.FailAsync(failure,
            budget => RetryPolicy.Decide(report, budget, backoff, () => _retryRules.Advise(held, report.Attempt, error)), cancellationToken);
    }

    /// <summary>Announces and counts what a failure did.</summary>
    private FailOutcome Failed(JobFailure failure, ClaimedJob? held, FailOutcome outcome)
    {
        Emit(StateChanges.Failed(failure, TenantOf(held), outcome));
        if (outcome.Accepted) Telemetry?.Finished(held, outcome.State == JobState.Dead ? JobOutcome.Dead : JobOutcome.Retried);
        return outcome;
    }

    /// <summary>A worker's yield, kept and tried again until PostgreSQL takes it (as <see cref="FailUntilStoredAsync"/>).</summary>
    public async Task<bool> YieldUntilStoredAsync(long jobId, int attempt, TimeSpan delay, ClaimedJob? held, LeaseHolder holder)
    {
        var accepted = await _outcomes.StoreOutcomeAsync(ct => _store.YieldAsync(jobId, attempt, delay, holder, ct), accepted => accepted, _store.IsCommittedAsync,
            (exception, failures) => CompletionLog.OutcomeFailed(_logger, "yield", jobId, attempt, failures, exception));
        return Yielded(jobId, attempt, delay, held, accepted);
    }

    /// <summary>The worker hands the attempt back without a failure: waiting now, or scheduled after <paramref name="delay"/>.</summary>
    /// <param name="holder">When set, the yield applies only while this holder holds the attempt's lease.</param>
    public async Task<bool> YieldAsync(long jobId, int attempt, TimeSpan delay, ClaimedJob? held, LeaseHolder? holder, CancellationToken cancellationToken) =>
        Yielded(jobId, attempt, delay, held, await _store.YieldAsync(jobId, attempt, delay, holder, cancellationToken));

    /// <summary>Announces and counts what a yield did.</summary>
    private bool Yielded(long jobId, int attempt, TimeSpan delay, ClaimedJob? held, bool accepted)
    {
        Emit(StateChanges.Yielded(jobId, attempt, delay, TenantOf(held), accepted));
        if (accepted) Telemetry?.Finished(held, JobOutcome.Yielded);
        return accepted;
    }

    /// <summary>Cancels an unfinished job (a running one's worker is told to stop); a finished one stays as it is.</summary>
    public async Task<CancelOutcome> CancelAsync(long jobId, string reason, CancellationToken cancellationToken)
    {
        var outcome = await _store.CancelAsync(jobId, reason, cancellationToken);
        Emit(StateChanges.Cancelled(jobId, reason, outcome));
        Telemetry?.Cancelled(outcome);
        return outcome;
    }

    /// <summary>
    /// An operator or producer runs a job again: a dead, expired or cancelled one moves back from history (failures
    /// reset); with <paramref name="failedToo"/>, a failed one waiting for its retry runs now. Null when unknown.
    /// </summary>
    public async Task<RetryOutcome?> RetryAsync(long jobId, bool failedToo, CancellationToken cancellationToken)
    {
        var outcome = await _store.RetryJobAsync(jobId, cancellationToken);
        if (failedToo && outcome is { Retried: false, State: JobState.Failed }) outcome = await _store.RetryFailedNowAsync(jobId, cancellationToken);
        Emit(StateChanges.Retried(jobId, outcome));
        return outcome;
    }

    /// <summary>The leader's pass: jobs past expires_at that never started become expired.</summary>
    public async Task<IReadOnlyList<JobStateRecord>> ExpireAsync(int limit, CancellationToken cancellationToken)
    {
        var expired = await _store.ExpireJobsAsync(limit, cancellationToken);
        Telemetry?.Expired(expired);
        return EmitAll(expired);
    }

    /// <summary>The leader's pass: scheduled and failed jobs whose time has come become waiting.</summary>
    public async Task<IReadOnlyList<JobStateRecord>> PromoteDueAsync(int limit, CancellationToken cancellationToken) =>
        EmitAll(await _store.PromoteDueJobsAsync(limit, cancellationToken));

    /// <summary>The lease reaper: running jobs whose lease expired count a failure and wait again, or are dead.</summary>
    public async Task<IReadOnlyList<JobStateRecord>> RequeueExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        var lost = await _store.RequeueExpiredLeaseJobsAsync(cancellationToken);
        Telemetry?.Lost(lost);
        return EmitAll(lost);
    }

    /// <summary>One worker stream is gone: the attempts it was given count a failure and wait again, or are dead.</summary>
    public async Task<IReadOnlyList<JobStateRecord>> ReleaseAttemptsAsync(LeaseHolder holder, IReadOnlyList<(long JobId, int Attempt)> attempts, string reason,
        CancellationToken cancellationToken)
    {
        var lost = await _store.ReleaseAttemptsAsync(holder, attempts, reason, cancellationToken);
        Telemetry?.Lost(lost);
        return EmitAll(lost);
    }

    private void Announce(NewJob job, EnqueuedJob enqueued)
    {
        if (enqueued.Duplicate) return;
        Emit(StateChanges.Enqueued(job, enqueued));
        Telemetry?.Enqueued(job);
    }

    private void Emit(JobStateRecord? change)
    {
        if (change is not null) _events.StateChanged(change);
    }

    private IReadOnlyList<JobStateRecord> EmitAll(IReadOnlyList<JobStateRecord> changes)
    {
        foreach (var change in changes) _events.StateChanged(change);
        return changes;
    }

    /// <summary>The job's tenant, for tenant-wide watchers ("" for a job this node does not hold).</summary>
    private static string TenantOf(ClaimedJob? held) => held?.Lane.Tenant ?? "";

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
