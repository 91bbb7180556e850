using Npgsql;
using Worcr.Core.Dispatch;
using Worcr.Core.Jobs;
using Worcr.Core.Lanes;
using Worcr.Core.Retries;

namespace Worcr.Postgres;

/// <summary>
/// Every state change of a job, each one transaction in PostgreSQL. Messages about a run are fenced by its attempt
/// number: complete, fail, yield and checkpoint only apply while that attempt is the running one.
/// docs/storage.md describes the tables and queries.
/// </summary>
public sealed partial class JobStore : IJobLifecycleStore
{
    private readonly LaneCache _lanes;
    private readonly JobEnqueuer _enqueuer;
    private readonly BacklogReader _backlog;
    private readonly JobClaimer _claimer;
    private readonly JobCompleter _completer;
    private readonly CompletedAttempts _completed;
    private readonly CommitConfirmation _commits;
    private readonly JobFailer _failer;
    private readonly JobYielder _yielder;
    private readonly LeaseRenewer _leases;
    private readonly LostJobRequeuer _lost;
    private readonly DuePromoter _promoter;
    private readonly JobExpirer _expirer;
    private readonly JobReader _reader;
    private readonly JobCanceller _canceller;
    private readonly JobRetrier _retrier;
    private readonly FailedJobRetrier _failedRetrier;
    private readonly CheckpointWriter _checkpoints;
    private readonly ProgressWriter _progress;
    private readonly LogStore _logs;
    private readonly JobCounter _counter;
    private readonly JobStatesReader _states;

    internal JobStore(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, string jobsChannel, string cancelChannel)
    {
        var notifier = new LaneNotifier(jobsChannel);
        var states = new JobStateLookup(dataSource, sql);
        _lanes = lanes;
        _enqueuer = new JobEnqueuer(dataSource, sql, _lanes, jobsChannel);
        _backlog = new BacklogReader(dataSource, sql, _lanes);
        _claimer = new JobClaimer(dataSource, sql, _lanes);
        _completer = new JobCompleter(dataSource, sql);
        _completed = new CompletedAttempts(dataSource, sql);
        _commits = new CommitConfirmation(dataSource);
        _failer = new JobFailer(dataSource, sql, states);
        _yielder = new JobYielder(dataSource, sql, notifier);
        _leases = new LeaseRenewer(dataSource, sql);
        _lost = new LostJobRequeuer(dataSource, sql, notifier, cancelChannel);
        _promoter = new DuePromoter(dataSource, sql, notifier);
        _expirer = new JobExpirer(dataSource, sql);
        _reader = new JobReader(dataSource, sql);
        _canceller = new JobCanceller(dataSource, sql, cancelChannel);
        _retrier = new JobRetrier(dataSource, sql, notifier, states);
        _failedRetrier = new FailedJobRetrier(dataSource, sql, notifier, states);
        _checkpoints = new CheckpointWriter(dataSource, sql);
        _progress = new ProgressWriter(dataSource, sql);
        _logs = new LogStore(dataSource, sql);
        _counter = new JobCounter(dataSource, sql);
        _states = new JobStatesReader(dataSource, sql);
        Browser = new JobBrowser(dataSource, sql, _lanes);
    }

    /// <summary>Listings, the job page, delete and the overview's counts, for the admin API and GUI.</summary>
    public JobBrowser Browser { get; }

    /// <summary>Inserts up to 10,000 jobs in one transaction; results are in input order (duplicates carry the existing id).</summary>
    public Task<IReadOnlyList<EnqueuedJob>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct = default) =>
        _enqueuer.EnqueueAsync(jobs, ct);

    /// <summary>Lanes that have waiting jobs, with their count and oldest enqueue time.</summary>
    public Task<IReadOnlyList<LaneBacklog>> ReadBacklogAsync(CancellationToken ct = default) => _backlog.ReadAsync(ct);

    public Task<Lane?> GetLaneAsync(long laneId, CancellationToken ct = default) => _lanes.GetAsync(laneId, ct);

    /// <summary>Leases up to <paramref name="limit"/> of the lane's oldest waiting, unexpired jobs to a worker.</summary>
    /// <param name="lease">The lease for jobs whose type sets no <c>lease_ms</c> of its own.</param>
    public Task<IReadOnlyList<ClaimedJob>> ClaimAsync(long laneId, int limit, string workerId, string nodeId, TimeSpan lease, CancellationToken ct = default) =>
        _claimer.ClaimAsync(laneId, limit, workerId, nodeId, lease, ct);

    /// <summary>Completes a batch in one statement; per-item accepted flags in input order (false = stale attempt).</summary>
    public Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions, CancellationToken ct = default) =>
        _completer.CompleteAsync(completions, ct);

    /// <summary>Counts a failure as <paramref name="decide"/> says: retried at now + its delay, or dead.</summary>
    public Task<FailOutcome> FailAsync(JobFailure failure, Func<FailureBudget, FailDecision> decide, CancellationToken ct = default) =>
        _failer.FailAsync(failure, decide, ct);

    /// <summary>Hands the job back without a failure: waiting now, or scheduled when delay &gt; 0.</summary>
    public Task<bool> YieldAsync(long jobId, int attempt, TimeSpan delay, LeaseHolder? holder = null, CancellationToken ct = default) =>
        _yielder.YieldAsync(jobId, attempt, delay, holder, ct);

    public Task<bool> IsCommittedAsync(string transactionId, CancellationToken ct = default) => _commits.IsCommittedAsync(transactionId, ct);

    public Task<IReadOnlyList<bool>> WereCompletedAsync(IReadOnlyList<Completion> completions, CancellationToken ct = default) =>
        _completed.AreStoredAsync(completions, ct);

    /// <summary>
    /// Extends the leases of the given attempts while <paramref name="holder"/> still runs them (by their type's
    /// <c>lease_ms</c>, else <paramref name="lease"/>); returns how many. Other attempts under the same worker id (a
    /// stream that died) are left to lapse.
    /// </summary>
    public async Task<int> RenewLeasesAsync(LeaseHolder holder, IReadOnlyList<(long JobId, int Attempt)> attempts, TimeSpan lease, CancellationToken ct = default) =>
        (await _leases.RenewAsync(holder, attempts, lease, ct)).Renewed.Count;

    /// <summary>
    /// As <see cref="RenewLeasesAsync"/>, saying which of the attempts the holder still holds: those it does not were
    /// taken from it (their lease ran out and they were requeued, or they were cancelled) while it may not have heard.
    /// </summary>
    public Task<LeaseRenewal> RenewHeldLeasesAsync(LeaseHolder holder, IReadOnlyList<(long JobId, int Attempt)> attempts, TimeSpan lease,
        CancellationToken ct = default) =>
        _leases.RenewAsync(holder, attempts, lease, ct);

    /// <summary>The worker is gone: its running jobs count a failure and wait again (or are dead). Returns their ids.</summary>
    public async Task<IReadOnlyList<long>> ReleaseWorkerAsync(string workerId, string nodeId, string reason, CancellationToken ct = default) =>
        Ids(await _lost.ReleaseWorkerAsync(workerId, nodeId, reason, ct));

    /// <summary>As <see cref="ReleaseWorkerAsync"/>, returning each released job's new state (waiting or dead).</summary>
    public Task<IReadOnlyList<JobStateRecord>> ReleaseWorkerJobsAsync(string workerId, string nodeId, string reason, CancellationToken ct = default) =>
        _lost.ReleaseWorkerAsync(workerId, nodeId, reason, ct);

    /// <summary>One stream is gone: the attempts it was given, while <paramref name="holder"/> still holds them, count a failure and wait again (or are dead).</summary>
    public Task<IReadOnlyList<JobStateRecord>> ReleaseAttemptsAsync(LeaseHolder holder, IReadOnlyList<(long JobId, int Attempt)> attempts, string reason,
        CancellationToken ct = default) =>
        _lost.ReleaseAttemptsAsync(holder, attempts, reason, ct);

    /// <summary>The reaper: running jobs whose lease expired (DB clock) get the same treatment as a released worker's.</summary>
    public async Task<IReadOnlyList<long>> RequeueExpiredLeasesAsync(CancellationToken ct = default) => Ids(await _lost.RequeueExpiredLeasesAsync(ct));

    /// <summary>As <see cref="RequeueExpiredLeasesAsync"/>, returning each job's new state (waiting or dead).</summary>
    public Task<IReadOnlyList<JobStateRecord>> RequeueExpiredLeaseJobsAsync(CancellationToken ct = default) => _lost.RequeueExpiredLeasesAsync(ct);

    /// <summary>Scheduled and failed jobs whose run_at has come become waiting; returns how many.</summary>
    public async Task<int> PromoteDueAsync(int limit, CancellationToken ct = default) => (await _promoter.PromoteAsync(limit, ct)).Count;

    /// <summary>As <see cref="PromoteDueAsync"/>, returning the promoted jobs.</summary>
    public Task<IReadOnlyList<JobStateRecord>> PromoteDueJobsAsync(int limit, CancellationToken ct = default) => _promoter.PromoteAsync(limit, ct);

    /// <summary>The earliest run_at among scheduled and failed jobs, to know when to promote next.</summary>
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken ct = default) => _promoter.NextDueAsync(ct);

    /// <summary>Jobs not started before their expires_at move to history as expired; returns how many.</summary>
    public async Task<int> ExpireAsync(int limit, CancellationToken ct = default) => (await _expirer.ExpireAsync(limit, ct)).Count;

    /// <summary>As <see cref="ExpireAsync"/>, returning the expired jobs.</summary>
    public Task<IReadOnlyList<JobStateRecord>> ExpireJobsAsync(int limit, CancellationToken ct = default) => _expirer.ExpireAsync(limit, ct);

    /// <summary>The current state of each known job among <paramref name="jobIds"/> (unknown ids are left out).</summary>
    public Task<IReadOnlyList<JobStateRecord>> GetStatesAsync(IReadOnlyCollection<long> jobIds, CancellationToken ct = default) => _states.ReadAsync(jobIds, ct);

    public Task<JobRecord?> GetAsync(long jobId, CancellationToken ct = default) => _reader.GetAsync(jobId, ct);

    /// <summary>Cancels an unfinished job; a running one's node is told on the cancel channel.</summary>
    public Task<CancelOutcome> CancelAsync(long jobId, string reason, CancellationToken ct = default) =>
        _canceller.CancelAsync(jobId, reason, ct);

    /// <summary>Puts a dead, expired or cancelled job back to waiting; returns the job's state after the call, null if unknown.</summary>
    public async Task<JobState?> RetryAsync(long jobId, CancellationToken ct = default) => (await _retrier.RetryAsync(jobId, ct))?.State;

    /// <summary>As <see cref="RetryAsync"/>, saying whether the job moved back and, if so, its tenant and attempt (for its live event).</summary>
    public Task<RetryOutcome?> RetryJobAsync(long jobId, CancellationToken ct = default) => _retrier.RetryAsync(jobId, ct);

    /// <summary>A failed job waiting for its retry becomes waiting now, keeping its failure count; null when unknown.</summary>
    public Task<RetryOutcome?> RetryFailedNowAsync(long jobId, CancellationToken ct = default) => _failedRetrier.RetryNowAsync(jobId, ct);

    /// <summary>
    /// Durably saves a checkpoint for the running attempt; false when that attempt is no longer running (or, with a
    /// <paramref name="holder"/>, when that holder does not hold it).
    /// </summary>
    public Task<bool> SaveCheckpointAsync(long jobId, int attempt, string name, string value, LeaseHolder? holder = null, CancellationToken ct = default) =>
        _checkpoints.SaveAsync(jobId, attempt, name, value, holder, ct);

    public Task SaveProgressAsync(IReadOnlyList<ProgressUpdate> updates, CancellationToken ct = default) => _progress.SaveAsync(updates, ct);

    public Task AppendLogsAsync(IReadOnlyList<LogEntry> entries, CancellationToken ct = default) => _logs.AppendAsync(entries, ct);

    /// <summary>
    /// Appends log lines keeping each job's newest <paramref name="maxLinesPerJob"/>; older ones are counted in one note
    /// line ("… K lines dropped") read back first. Returns the lines written (this batch's overflow is not).
    /// </summary>
    public Task<IReadOnlyList<LogEntry>> AppendLogsAsync(IReadOnlyList<LogEntry> entries, int maxLinesPerJob, CancellationToken ct = default) =>
        _logs.AppendBoundedAsync(entries, maxLinesPerJob, ct);

    /// <summary>The job's latest <paramref name="limit"/> log lines, oldest first.</summary>
    public Task<IReadOnlyList<LogEntry>> ReadLogsAsync(long jobId, int limit, CancellationToken ct = default) => _logs.ReadAsync(jobId, limit, ct);

    public Task<long> CountAsync(JobState state, CancellationToken ct = default) => _counter.CountAsync(state, ct);

    private static IReadOnlyList<long> Ids(IReadOnlyList<JobStateRecord> records) => records.Select(r => r.Id).ToList();
}
