using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Server.Limits;
using Worcr.Server.Telemetry;
using Worcr.Server.Transport;
using Worcr.Server.Workers;

namespace Worcr.Server.Dispatch;

/// <summary>
/// The node's dispatch loop: the I/O around <see cref="DispatchRound"/>, which decides. One task owns the
/// <see cref="DispatchState"/>; it keeps the lane index in step with storage (reconcile, notifications), runs a
/// round over the workers' credits, asks the limits about each claim the round wants, runs the claims against
/// storage, and queues the Assign messages. It sleeps until something changes: new jobs announced by NOTIFY,
/// credits granted, a worker connected, a parked lane's retry time, or the periodic reconcile.
/// </summary>
internal sealed class Dispatcher
{
    private readonly IDispatchStore _store;
    private readonly DispatchOptions _dispatch;
    private readonly LeaseOptions _leases;
    private readonly string _nodeId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DispatchState _state;
    private readonly ConcurrentDictionary<WorkerSession, byte> _sessions = new();
    private readonly ConcurrentDictionary<WorkerSession, byte> _settling = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<long, int>> _announcements = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile bool _reconcileRequested = true;
    private TaskCompletionSource _sessionsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Action<LaneState, WorkerProfile, IReadOnlyList<ClaimedJob>>? _onDispatched;

    /// <param name="onDispatched">Called after jobs of a lane went to a worker (the node notes rule failures on them).</param>
    public Dispatcher(IDispatchStore store, ILaneSelector selector, IOptions<DispatchOptions> dispatch, IOptions<LeaseOptions> leases,
        IOptions<NodeIdentityOptions> identity, TimeProvider time, ILogger logger, Action<LaneState, WorkerProfile, IReadOnlyList<ClaimedJob>>? onDispatched = null)
    {
        _onDispatched = onDispatched;
        _store = store;
        _dispatch = dispatch.Value;
        _leases = leases.Value;
        _nodeId = identity.Value.NodeId;
        _state = new DispatchState(selector, _dispatch.MaxClaimBatch);
        _time = time;
        _logger = logger;
        EarlyCancels = new EarlyCancels(_leases.LeaseDuration, time);
    }

    /// <summary>The node's clock, which the dispatch loop reads (drain deadlines use it too).</summary>
    public TimeProvider Time => _time;

    /// <summary>Job limits: lanes over a limit are parked and skipped (docs/fairness-and-limits.md). None by default.</summary>
    public LimitGate LimitGate
    {
        get => _limitGate;
        init
        {
            _limitGate = value;
            value.Wake = Wake;
            value.Parking = _state.Parking;
        }
    }

    private readonly LimitGate _limitGate = LimitGate.Unlimited;

    /// <summary>The node's metrics and spans (docs/operations.md); none in tests that build a bare dispatcher.</summary>
    public Telemetry.NodeTelemetry? Telemetry { get; init; }

    /// <summary>Raised after each dispatch round, for tests.</summary>
    internal Hosting.RoundSignal Rounds { get; } = new();

    /// <summary>Raised after each cancel notification was routed to this node's streams (<see cref="CancelRouter"/>), for tests.</summary>
    internal Hosting.RoundSignal CancelsRouted { get; } = new();

    /// <summary>
    /// Test seam, null in production: awaited after each claim committed and before its jobs are handed to the worker's
    /// stream, so a test can act (cancel a claimed job, say) in that gap and let the loop go on when it chooses.
    /// </summary>
    internal Func<IReadOnlyList<ClaimedJob>, Task>? AfterClaim { get; set; }

    public IEnumerable<WorkerSession> Sessions => _sessions.Keys;

    /// <summary>Cancels heard for attempts claimed for this node's workers but not yet handed to their streams.</summary>
    public EarlyCancels EarlyCancels { get; }

    public void Register(WorkerSession session)
    {
        _sessions.TryAdd(session, 0);
        SignalSessionsChanged();
        Wake();
    }

    /// <summary>The worker is gone for dispatch; its stream still settles what it sent (see <see cref="Settled"/>).</summary>
    public void Unregister(WorkerSession session)
    {
        _settling.TryAdd(session, 0);
        _sessions.TryRemove(session, out _);
        SignalSessionsChanged();
    }

    /// <summary>The stream's last completions are stored: nothing of it is left for a stopping node to wait for.</summary>
    public void Settled(WorkerSession session)
    {
        _settling.TryRemove(session, out _);
        SignalSessionsChanged();
    }

    /// <summary>Streams still open or still storing what their workers sent (a stopping node waits for them).</summary>
    public bool HasStreams => !_sessions.IsEmpty || !_settling.IsEmpty;

    /// <summary>How many streams <see cref="HasStreams"/> counts (a stream may be in both sets for a moment).</summary>
    public int StreamCount => _sessions.Keys.Union(_settling.Keys).Count();

    private void SignalSessionsChanged() =>
        Interlocked.Exchange(ref _sessionsChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes the next time a worker joins or leaves (take it before checking <see cref="Sessions"/>).</summary>
    public Task SessionsChanged => Volatile.Read(ref _sessionsChanged).Task;

    /// <summary>Something changed (credits, new jobs): run a dispatch round soon. Wakes coalesce.</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another thread woke the loop at the same moment; once is enough.
        }
    }

    /// <summary>A jobs-channel notification arrived (or the listener reconnected and asks for a reconcile).</summary>
    public void OnJobsNotification(string payload)
    {
        // A payload that lists no lanes ("reconcile", or one we do not understand) means: re-read the backlog.
        if (JobsPayload.Parse(payload) is { } newWaitingByLane) _announcements.Enqueue(newWaitingByLane);
        else _reconcileRequested = true;
        Wake();
    }

    /// <summary>Re-read the backlog from PostgreSQL on the next round.</summary>
    public void RequestReconcile()
    {
        _reconcileRequested = true;
        Wake();
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // A wall clock stepped back makes the reconcile due rather than holding it off for the step (WallDeadline).
        var nextReconcile = WallDeadline.After(_time.GetUtcNow(), TimeSpan.Zero);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = _time.GetUtcNow();
                if (_reconcileRequested || nextReconcile.IsDue(now))
                {
                    _reconcileRequested = false;
                    await ReconcileAsync(stoppingToken);
                    nextReconcile = WallDeadline.After(now, _dispatch.ReconcileInterval);
                }
                await ApplyAnnouncementsAsync(stoppingToken);
                await DispatchRoundsAsync(stoppingToken);
                Rounds.Raise();
                // A lane parked by a limit may run again at its retry time: sleep no longer than that.
                var roundEnd = _time.GetUtcNow();
                var sleep = nextReconcile.Remaining(roundEnd);
                if (_state.Parking.NextUnpark(roundEnd) is { } unpark && unpark - roundEnd < sleep) sleep = unpark - roundEnd;
                if (sleep > TimeSpan.Zero) await _wake.WaitAsync(sleep, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // PostgreSQL may be restarting; nothing is lost (jobs stay in the table), so log, reconcile and go on.
                ServerLog.DispatchRoundFailed(_logger, exception);
                _reconcileRequested = true;
                await Task.Delay(TimeSpan.FromMilliseconds(250), _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken stoppingToken)
    {
        _announcements.Clear();
        var backlog = await _store.ReadBacklogAsync(stoppingToken);
        Telemetry?.Backlog(backlog.Select(b => (b.Lane.Type, b.Waiting)));
        _state.Lanes.Reconcile(backlog.Select(b => new LaneState(b.Lane, b.Waiting, b.OldestEnqueuedAt, b.CountCapped)));
    }

    private async Task ApplyAnnouncementsAsync(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        while (_announcements.TryDequeue(out var announcement))
        {
            foreach (var (laneId, count) in announcement)
            {
                if (_state.Lanes.Contains(laneId))
                {
                    _state.Lanes.AddWaiting(laneId, count, now);
                    continue;
                }
                var lane = await _store.GetLaneAsync(laneId, stoppingToken);
                if (lane is not null) _state.Lanes.Add(lane, count, now);
            }
        }
    }

    /// <summary>Runs rounds over the workers' fresh credits until one claims nothing (credits granted meanwhile are used at once).</summary>
    private async Task DispatchRoundsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested && await DispatchRoundAsync(stoppingToken))
        {
        }
    }

    /// <summary>Runs one round over the workers' credits, doing the I/O each of its claims needs; true when it claimed jobs.</summary>
    private async Task<bool> DispatchRoundAsync(CancellationToken stoppingToken)
    {
        var sessions = _sessions.Keys.ToArray();
        if (sessions.Length == 0) return false;
        var workers = new WorkerCredits[sessions.Length];
        for (var i = 0; i < sessions.Length; i++) workers[i] = new WorkerCredits(sessions[i].Profile, sessions[i].AvailableCredits);
        var round = _state.StartRound(workers);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = _time.GetUtcNow();
            if (round.Next(started) is not { } request) break;
            // Job limits: claim only what every limit on the lane's keys granted; the round parks a lane granted nothing.
            var permits = await LimitGate.AcquireAsync(request.Lane.Lane, request.Count, stoppingToken);
            if (round.Permit(request, permits.Decision, _time.GetUtcNow()) is not { } claim) continue;
            await ClaimAsync(round, claim, sessions[claim.Worker], permits, started, stoppingToken);
        }
        return round.ClaimedAny;
    }

    private async Task ClaimAsync(DispatchRound round, ClaimRequest claim, WorkerSession session, LanePermits permits, DateTimeOffset started,
        CancellationToken stoppingToken)
    {
        var jobs = await _store.ClaimAsync(claim.Lane.Lane.Id, claim.Count, session.WorkerId, _nodeId, _leases.LeaseDuration, stoppingToken);
        if (AfterClaim is { } afterClaim) await afterClaim(jobs);
        await LimitGate.SettleAsync(permits, session.WorkerId, jobs, stoppingToken);
        var outcome = round.Claimed(claim, jobs, _time.GetUtcNow());
        Telemetry?.Claimed(jobs, session.WorkerId, started);
        foreach (var job in outcome.Assign)
        {
            if (await AssignAsync(session, job)) continue;
            // The worker left between the round's start and now: it takes nothing more, and the job goes back.
            round.WorkerStopped(claim.Worker);
            await GiveBackAsync(session, job, stoppingToken);
        }
        foreach (var job in outcome.GiveBack) await GiveBackAsync(session, job, stoppingToken);
        if (jobs.Count > 0) _onDispatched?.Invoke(claim.Lane, claim.Profile, jobs);
    }

    /// <summary>
    /// Queues the job's Assign on the worker's stream, unless the job was cancelled since its claim committed
    /// (<see cref="EarlyCancels"/>): then nothing is sent, the worker's slot stays free, and the attempt's permits are
    /// freed. The job is final in PostgreSQL already, so it is not given back. False when the worker can no longer take it.
    /// </summary>
    private async Task<bool> AssignAsync(WorkerSession session, ClaimedJob job)
    {
        if (EarlyCancels.Take(job.Id, job.Attempt))
        {
            await LimitGate.ReleaseAsync(session.WorkerId, job.Id, job.Attempt);
            return true;
        }
        if (!session.TryAssign(job, Messages.Assign(job))) return false;
        // Cancelled between the look above and the queueing: the Cancel follows the Assign at once.
        if (EarlyCancels.Take(job.Id, job.Attempt)) AttemptRevoker.Revoke(session, LimitGate, job.Id, job.Attempt, "cancelled");
        return true;
    }

    /// <summary>
    /// A claimed job no worker took waits again without burning an attempt, and frees its limit permits. They are freed
    /// even when the give-back fails: the job runs nowhere (its lease lapses and the reaper requeues it), and this is
    /// the only release of a job settled after its worker's stream ended (<see cref="LimitGate.ReleaseWorkerAsync"/>).
    /// </summary>
    private async Task GiveBackAsync(WorkerSession session, ClaimedJob job, CancellationToken stoppingToken)
    {
        try
        {
            await _store.GiveBackAsync(job, stoppingToken);
        }
        finally
        {
            await LimitGate.ReleaseAsync(session.WorkerId, job.Id, job.Attempt);
        }
    }
}
