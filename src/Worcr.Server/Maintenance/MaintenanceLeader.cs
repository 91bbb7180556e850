using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Redis;
using Worcr.Server.Hosting;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Leader-only upkeep. One node at a time holds the Redis leader lock (with a fencing token); in each pass the
/// holder runs every maintainer (<see cref="IMaintainer"/>: lease reaper, promoter, expirer, cron, retention, statistics) in turn. If the
/// leader dies, the lock expires and another node takes over within a few intervals. A maintainer that fails does
/// not stop the others; it runs again at the next pass.
/// </summary>
internal sealed class MaintenanceLeader
{
    private const string LockName = "maintenance";
    private readonly RedisLeaderLock _leaderLock;
    private readonly IReadOnlyList<IMaintainer> _maintainers;
    private readonly MaintenanceOptions _options;
    private readonly string _nodeId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action _onJobsReady;
    private readonly Telemetry.NodeTelemetry? _telemetry;
    private LeaderLease? _lease;

    /// <param name="maintainers">The duties, run in this order in each pass.</param>
    /// <param name="onJobsReady">Wakes the dispatch loop when a pass made jobs ready.</param>
    /// <param name="telemetry">Where the lock's round trips are measured; none when null.</param>
    public MaintenanceLeader(RedisLeaderLock leaderLock, IEnumerable<IMaintainer> maintainers, IOptions<MaintenanceOptions> options,
        IOptions<NodeIdentityOptions> identity, TimeProvider time, ILogger<MaintenanceLeader> logger, Action onJobsReady,
        Telemetry.NodeTelemetry? telemetry)
    {
        _leaderLock = leaderLock;
        _maintainers = maintainers.ToList();
        _options = options.Value;
        _nodeId = identity.Value.NodeId;
        _time = time;
        _logger = logger;
        _onJobsReady = onJobsReady;
        _telemetry = telemetry;
    }

    public bool IsLeader => _lease is not null;

    /// <summary>Raised after each pass (leading or not; cron fires inside the leader's pass), for tests.</summary>
    internal Hosting.RoundSignal Rounds { get; } = new();

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

    /// <summary>One pass: keep or take the leadership, and run every maintainer when leading.</summary>
    public async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp(); // a measurement for the metric, not a decision
            await HoldLeadershipAsync(stoppingToken);
            _telemetry?.RedisCall("leader_lock", started);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.MaintenanceFailed(_logger, exception);
            return;
        }
        if (_lease is not { } lease) return;
        var ready = 0;
        foreach (var maintainer in _maintainers) ready += await RunMaintainerAsync(maintainer, lease.FencingToken, stoppingToken);
        if (ready > 0) _onJobsReady();
    }

    private async Task<int> RunMaintainerAsync(IMaintainer maintainer, long fencingToken, CancellationToken stoppingToken)
    {
        try
        {
            return await maintainer.RunOnceAsync(fencingToken, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            MaintenanceLog.MaintainerFailed(_logger, maintainer.Name, exception);
            return 0;
        }
    }

    private async Task HoldLeadershipAsync(CancellationToken stoppingToken)
    {
        if (_lease is not null && await _leaderLock.RenewAsync(_lease, LockTtl, stoppingToken)) return;
        _lease = await _leaderLock.TryAcquireAsync(LockName, _nodeId, LockTtl, stoppingToken);
        if (_lease is not null) ServerLog.BecameLeader(_logger, _lease.FencingToken);
    }
}
