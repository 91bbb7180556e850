using Worcr.Core.Retries;

namespace Worcr.Core.Jobs;

/// <summary>
/// The storage the job lifecycle moves jobs through: each method is one atomic transition (or a batch of them)
/// and says what it did. Storage decides nothing: policy (defaults, rules, retry or dead) is the lifecycle's, and
/// reaches the store as values or, for a failure, as a decision function run inside the transition. Messages
/// about a run are fenced by its attempt: they apply only while that attempt is the running one.
/// tests/Worcr.Postgres.Tests/Conformance holds the suite every implementation passes.
/// </summary>
public interface IJobLifecycleStore
{
    /// <summary>Stores a batch atomically; results in input order (a duplicate carries the live job's id).</summary>
    Task<IReadOnlyList<EnqueuedJob>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct = default);

    /// <summary>Completes a batch; per-item accepted flags in input order (false: that attempt no longer runs).</summary>
    Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions, CancellationToken ct = default);

    /// <summary>
    /// Counts a failed attempt. <paramref name="decide"/> sees the job's failure budget and says retry (after a
    /// delay) or dead; it runs while the job is held, so nothing else moves the job in between. Not accepted, and
    /// <paramref name="decide"/> not called, when the attempt no longer runs; then State is where the job is.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The job does not exist.</exception>
    Task<FailOutcome> FailAsync(JobFailure failure, Func<FailureBudget, FailDecision> decide, CancellationToken ct = default);

    /// <summary>
    /// Hands the running attempt back without a failure: waiting now, or scheduled when delay &gt; 0. With a
    /// <paramref name="holder"/>, only while that holder holds the attempt's lease.
    /// </summary>
    Task<bool> YieldAsync(long jobId, int attempt, TimeSpan delay, LeaseHolder? holder = null, CancellationToken ct = default);

    /// <summary>
    /// Whether PostgreSQL committed the transaction (<c>pg_xact_status</c>): false when it rolled back or has not
    /// ended yet. Asked about a write whose answer to COMMIT was lost (<see cref="UnconfirmedCommitException{TOutcome}"/>).
    /// </summary>
    Task<bool> IsCommittedAsync(string transactionId, CancellationToken ct = default);

    /// <summary>
    /// Per completion, in input order, whether the job is in history as completed by that attempt and holder: asked
    /// about completions refused after a batch whose answer was lost, which that batch may have stored itself.
    /// </summary>
    Task<IReadOnlyList<bool>> WereCompletedAsync(IReadOnlyList<Completion> completions, CancellationToken ct = default);

    /// <summary>Cancels an unfinished job; a running one's node is told so it can stop the worker.</summary>
    Task<CancelOutcome> CancelAsync(long jobId, string reason, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> jobs not started before their expires_at become expired.</summary>
    Task<IReadOnlyList<JobStateRecord>> ExpireJobsAsync(int limit, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> scheduled and failed jobs whose run_at has come become waiting.</summary>
    Task<IReadOnlyList<JobStateRecord>> PromoteDueJobsAsync(int limit, CancellationToken ct = default);

    /// <summary>The worker is gone: each job it ran on that node counts a failure and waits again, or is dead.</summary>
    Task<IReadOnlyList<JobStateRecord>> ReleaseWorkerJobsAsync(string workerId, string nodeId, string reason, CancellationToken ct = default);

    /// <summary>
    /// One stream of a worker is gone: exactly the attempts it was given (and <paramref name="holder"/> still holds)
    /// count a failure and wait again, or are dead. Another stream's jobs are untouched, even under the same worker id.
    /// </summary>
    Task<IReadOnlyList<JobStateRecord>> ReleaseAttemptsAsync(LeaseHolder holder, IReadOnlyList<(long JobId, int Attempt)> attempts, string reason,
        CancellationToken ct = default);

    /// <summary>The lease reaper: running jobs whose lease expired are treated as a released worker's.</summary>
    Task<IReadOnlyList<JobStateRecord>> RequeueExpiredLeaseJobsAsync(CancellationToken ct = default);

    /// <summary>A dead, expired or cancelled job goes back to waiting (failures reset); null when the job does not exist.</summary>
    Task<RetryOutcome?> RetryJobAsync(long jobId, CancellationToken ct = default);

    /// <summary>A failed job waiting for its retry runs now instead; null when the job does not exist.</summary>
    Task<RetryOutcome?> RetryFailedNowAsync(long jobId, CancellationToken ct = default);

    /// <summary>The current state of each known job among <paramref name="jobIds"/> (unknown ids are left out).</summary>
    Task<IReadOnlyList<JobStateRecord>> GetStatesAsync(IReadOnlyCollection<long> jobIds, CancellationToken ct = default);
}
