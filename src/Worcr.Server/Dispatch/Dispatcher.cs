using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Server.Limits;

namespace Worcr.Server.Dispatch;

/// <summary>
/// The node's dispatch loop. One task owns the lane index and decides, for every worker with free credits,
/// which lane it takes work from (<see cref="ILaneSelector"/>, pure), then claims from PostgreSQL and queues
/// Assign messages. It sleeps until something changes: new jobs announced by NOTIFY, credits granted,
/// a worker connected, or the periodic reconcile.
/// </summary>
internal sealed class Dispatcher
{
    private readonly JobStore _store;
    private readonly ILaneSelector _selector;
    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LaneIndex _lanes = new();
    private readonly ConcurrentDictionary<WorkerSession, byte> _sessions = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<long, int>> _announcements = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile bool _reconcileRequested = true;
    private TaskCompletionSource _sessionsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _rotation;

    private readonly Action<LaneState, WorkerProfile, IReadOnlyList<ClaimedJob>>? _onDispatched;

    /// <param name="onDispatched">Called after jobs of a lane went to a worker (the node notes rule failures on them).</param>
    public Dispatcher(JobStore store, ILaneSelector selector, NodeOptions options, TimeProvider time, ILogger logger,
        Action<LaneState, WorkerProfile, IReadOnlyList<ClaimedJob>>? onDispatched = null)
    {
        _onDispatched = onDispatched;
        _store = store;
        _selector = selector;
        _options = options;
        _time = time;
        _logger = logger;
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
        }
    }

    private readonly LimitGate _limitGate = LimitGate.Unlimited;

    /// <summary>The node's metrics and spans (docs/operations.md); none in tests that build a bare dispatcher.</summary>
    public Telemetry.NodeTelemetry? Telemetry { get; set; }

    /// <summary>Raised after each dispatch round, for tests.</summary>
    internal Hosting.RoundSignal Rounds { get; } = new();

    public IEnumerable<WorkerSession> Sessions => _sessions.Keys;

    public void Register(WorkerSession session)
    {
        _sessions.TryAdd(session, 0);
        SignalSessionsChanged();
        Wake();
    }

    public void Unregister(WorkerSession session)
    {
        _sessions.TryRemove(session, out _);
        SignalSessionsChanged();
    }

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
        var nextReconcile = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = _time.GetUtcNow();
                if (_reconcileRequested || now >= nextReconcile)
                {
                    _reconcileRequested = false;
                    await ReconcileAsync(stoppingToken);
                    nextReconcile = now + _options.ReconcileInterval;
                }
                await ApplyAnnouncementsAsync(stoppingToken);
                await DispatchRoundsAsync(stoppingToken);
                Rounds.Raise();
                // A lane parked by a limit may run again at its retry time: sleep no longer than that.
                var wakeAt = LimitGate.NextUnpark(_time.GetUtcNow()) is { } unpark && unpark < nextReconcile ? unpark : nextReconcile;
                var untilReconcile = wakeAt - _time.GetUtcNow();
                if (untilReconcile > TimeSpan.Zero) await _wake.WaitAsync(untilReconcile, stoppingToken);
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
        _lanes.Reconcile(backlog.Select(b => new LaneState(b.Lane, b.Waiting, b.OldestEnqueuedAt)));
    }

    private async Task ApplyAnnouncementsAsync(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        while (_announcements.TryDequeue(out var announcement))
        {
            foreach (var (laneId, count) in announcement)
            {
                if (_lanes.Contains(laneId))
                {
                    _lanes.AddWaiting(laneId, count, now);
                    continue;
                }
                var lane = await _store.GetLaneAsync(laneId, stoppingToken);
                if (lane is not null) _lanes.Add(lane, count, now);
            }
        }
    }

    /// <summary>Keeps giving work to workers with credits until a full pass over them claims nothing.</summary>
    private async Task DispatchRoundsAsync(CancellationToken stoppingToken)
    {
        bool claimedAny;
        do
        {
            claimedAny = false;
            var sessions = _sessions.Keys.ToArray();
            if (sessions.Length == 0) return;
            // Start each pass at a different worker so none is always served first.
            var start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)sessions.Length);
            for (var i = 0; i < sessions.Length; i++)
            {
                var session = sessions[(start + i) % sessions.Length];
                claimedAny |= await FeedAsync(session, stoppingToken);
            }
        }
        while (claimedAny && !stoppingToken.IsCancellationRequested);
    }

    private async Task<bool> FeedAsync(WorkerSession session, CancellationToken stoppingToken)
    {
        var credits = session.AvailableCredits;
        if (credits <= 0) return false;
        var now = _time.GetUtcNow();
        var lane = _selector.Select(LimitGate.Unparked(_lanes.Ready, now), session.Profile, now);
        if (lane is null) return false;
        // Job limits: claim only what every limit on the lane's keys granted. A lane granted nothing is parked now;
        // true makes the round pass again, and the next pass picks another lane.
        var permits = await LimitGate.AcquireAsync(lane.Lane, Math.Min(credits, _options.MaxClaimBatch), stoppingToken);
        if (permits.Granted == 0) return true;
        var asked = permits.Granted;
        var claimed = await _store.ClaimAsync(lane.Lane.Id, asked, session.WorkerId, _options.NodeId, _options.LeaseDuration, stoppingToken);
        await LimitGate.SettleAsync(permits, session.WorkerId, claimed, stoppingToken);
        // Claims take the oldest jobs first, so the lane's next head is at least as young as the youngest claimed.
        _lanes.Claimed(lane.Lane.Id, asked, claimed.Count, nextOldest: claimed.Count > 0 ? claimed.Max(j => j.EnqueuedAt) : null);
        _selector.Claimed(lane, session.Profile, claimed.Count, _time.GetUtcNow());
        Telemetry?.Claimed(claimed, session.WorkerId, now);
        foreach (var job in claimed)
        {
            if (session.TryAssign(job, Messages.Assign(job))) continue;
            // The worker left between the claim and now: give the job back without burning an attempt.
            await _store.YieldAsync(job.Id, job.Attempt, TimeSpan.Zero, stoppingToken);
            await LimitGate.ReleaseAsync(session.WorkerId, job.Id);
        }
        if (claimed.Count > 0) _onDispatched?.Invoke(lane, session.Profile, claimed);
        return claimed.Count > 0;
    }
}
