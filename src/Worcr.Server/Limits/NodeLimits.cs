using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Postgres;
using Worcr.Redis;
using Worcr.Redis.Limits;
using Worcr.Server.Hosting;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Limits;

/// <summary>
/// A node's limits, wired: the definitions (file + table), the Redis counters, the dispatch gate, and the
/// subscription through which a permit freed on any node unparks this node's lanes at once.
/// </summary>
internal sealed class NodeLimits
{
    private readonly RedisConnection _redis;
    private readonly ILogger _logger;

    /// <param name="catalog">Where the limits file is (its rules directory).</param>
    /// <param name="storage">The Redis key prefix of the counters.</param>
    /// <param name="leases">How long a concurrency permit lives without its job's lease being renewed.</param>
    public NodeLimits(LimitStore store, RedisConnection redis, IOptions<CatalogOptions> catalog, IOptions<StorageOptions> storage,
        IOptions<LeaseOptions> leases, ILogger<NodeLimits> logger, Telemetry.NodeTelemetry? telemetry = null)
    {
        Catalog = new LimitCatalog(store, LimitFile.Load(catalog.Value.RulesDirectory), logger);
        Limiter = new RedisLimiter(redis, storage.Value.RedisKeyPrefix);
        Gate = new LimitGate(Limiter, () => Catalog.Current, leases.Value.LeaseDuration, logger)
        {
            Telemetry = telemetry, RunningAttempts = store.ReadRunningAttemptsAsync, RedisConnected = () => redis.IsConnected,
        };
        Catalog.Changed += Gate.OnLimitsChanged;
        _redis = redis;
        _logger = logger;
        // A Redis restart (no persistence) empties the concurrency counters; the failure or the restore of the
        // connection is how a node learns of it, so both make the gate rebuild the holders before it admits again.
        redis.ConnectionFailed += (_, _) => OnRedisConnectionChanged("failed");
        redis.ConnectionRestored += (_, _) => OnRedisConnectionChanged("was restored");
    }

    public LimitCatalog Catalog { get; }

    public RedisLimiter Limiter { get; }

    public LimitGate Gate { get; }

    private void OnRedisConnectionChanged(string change)
    {
        if (!Gate.RebuildPending) LimitLog.RedisConnectionChanged(_logger, change);
        Gate.RequireRebuild();
    }

    /// <summary>Reads the definitions the node starts with (a failure here stops the start: the node would dispatch without its limits).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Catalog.ReloadAsync(cancellationToken);

    /// <summary>Reloads after a NOTIFY; a failure keeps the previous definitions live.</summary>
    public async Task ReloadAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Catalog.ReloadAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LimitLog.ReloadFailed(_logger, exception);
        }
    }

    /// <summary>Listens for freed concurrency permits until the node stops.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var subscriber = new RedisSubscriber(_redis);
            await subscriber.SubscribeAsync(Limiter.ReleasedChannel, (_, key) => Gate.OnReleased(key));
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            LimitLog.SubscriptionFailed(_logger, exception);
        }
    }
}
