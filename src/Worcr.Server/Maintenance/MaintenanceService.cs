using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Redis;
using Worcr.Server.Events;
using Worcr.Server.Hosting;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Leader-only upkeep: requeue jobs whose lease expired (lost workers and nodes), promote scheduled and
/// retrying jobs that are due, expire jobs past expires_at. One node at a time holds the Redis leader lock;
/// if it dies, the lock expires and another node takes over within a few intervals. Every step is an
/// idempotent SQL statement, so a pass run twice by mistake does no harm.
/// </summary>
internal sealed class MaintenanceService
{
    private const string LockName = "maintenance";
    private readonly RedisLeaderLock _leaderLock;
    private readonly JobStore _store;
    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action _onJobsReady;
    private readonly EventPublisher? _events;
    private LeaderLease? _lease;

    /// <param name="events">Where the jobs it moves are announced to watchers; none when null.</param>
    public MaintenanceService(RedisLeaderLock leaderLock, JobStore store, NodeOptions options, TimeProvider time, ILogger logger, Action onJobsReady,
        EventPublisher? events = null)
    {
        _events = events;
        _leaderLock = leaderLock;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _onJobsReady = onJobsReady;
    }

    public bool IsLeader => _lease is not null;

    /// <summary>Raised after each pass (leading or not; cron fires inside the leader's pass), for tests.</summary>
    internal Hosting.RoundSignal Rounds { get; } = new();

    /// <summary>Fires due cron schedules in each leader pass; none when null.</summary>
    public CronService? Cron { get; set; }

    /// <summary>The node's metrics: lost and expired jobs are counted by the leader that handles them (set by the node).</summary>
    public Telemetry.NodeTelemetry? Telemetry { get; set; }

    private TimeSpan LockTtl => _options.MaintenanceInterval * 5;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.MaintenanceInterval, _time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
                Rounds.Raise();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        if (_lease is not null) await _leaderLock.ReleaseAsync(_lease, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>One pass: keep or take the leadership, and do the upkeep when leading.</summary>
    public async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await HoldLeadershipAsync(stoppingToken);
            Telemetry?.RedisCall("leader_lock", started);
            if (_lease is null) return;
            var lost = await _store.RequeueExpiredLeaseJobsAsync(stoppingToken);
            Telemetry?.Lost(lost);
            var requeued = Announce(lost);
            var promoted = Announce(await _store.PromoteDueJobsAsync(1000, stoppingToken));
            var gone = await _store.ExpireJobsAsync(1000, stoppingToken);
            Telemetry?.Expired(gone);
            var expired = Announce(gone);
            if (requeued + promoted > 0) _onJobsReady();
            if (requeued + promoted + expired > 0) ServerLog.MaintenanceDone(_logger, requeued, promoted, expired);
            if (Cron is not null) await Cron.RunOnceAsync(_lease.FencingToken, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.MaintenanceFailed(_logger, exception);
        }
    }

    private int Announce(IReadOnlyList<JobStateRecord> changes)
    {
        _events?.PublishStates(changes);
        return changes.Count;
    }

    private async Task HoldLeadershipAsync(CancellationToken stoppingToken)
    {
        if (_lease is not null && await _leaderLock.RenewAsync(_lease, LockTtl, stoppingToken)) return;
        _lease = await _leaderLock.TryAcquireAsync(LockName, _options.NodeId, LockTtl, stoppingToken);
        if (_lease is not null) ServerLog.BecameLeader(_logger, _lease.FencingToken);
    }
}
