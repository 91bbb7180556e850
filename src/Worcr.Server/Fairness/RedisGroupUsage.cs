using System.Globalization;
using StackExchange.Redis;
using Worcr.Core.Fairness;
using Worcr.Redis;

namespace Worcr.Server.Fairness;

/// <summary>
/// Fairness usage shared by every node through one Redis hash (group → jobs given). The dispatch loop reads and
/// adds locally, without waiting on Redis; a sync loop pushes this node's increments (HINCRBYFLOAT) and pulls
/// the totals of the groups it has seen, a few times a second. If Redis is away, each node stays fair on its
/// own; when Redis comes back empty (restart), the counts start level again, which is fair by definition.
/// </summary>
internal sealed class RedisGroupUsage : IGroupUsage
{
    private static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(7);
    private readonly Lock _lock = new();
    private readonly RedisConnection _redis;
    private readonly string _key;
    private readonly TimeProvider _time;
    private Dictionary<string, double> _shared = new(StringComparer.Ordinal);
    private Dictionary<string, double> _pending = new(StringComparer.Ordinal);

    public RedisGroupUsage(RedisConnection redis, string keyPrefix, TimeProvider time)
    {
        _redis = redis;
        // One key: every script-free command here touches a single slot, so this works on Redis Cluster too.
        _key = keyPrefix + "{fairness}:usage";
        _time = time;
    }

    public double Usage(string group)
    {
        lock (_lock) return _shared.GetValueOrDefault(group) + _pending.GetValueOrDefault(group);
    }

    public void Add(string group, double jobs)
    {
        lock (_lock) _pending[group] = _pending.GetValueOrDefault(group) + jobs;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SyncInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SyncAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Pushes local increments and pulls the shared totals of every group this node knows.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, double> pending;
        string[] groups;
        lock (_lock)
        {
            pending = _pending;
            _pending = new(StringComparer.Ordinal);
            groups = _shared.Keys.Union(pending.Keys).ToArray();
        }
        try
        {
            var pushes = pending.Select(p => _redis.Database.HashIncrementAsync(_key, p.Key, p.Value));
            await Task.WhenAll(pushes).WaitAsync(cancellationToken);
            if (pending.Count > 0) await _redis.Database.KeyExpireAsync(_key, KeyLifetime).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (IsRedisTrouble(exception))
        {
            // Keep the increments for the next sync (an increment that did reach Redis may count twice: a small,
            // temporary unfairness, never a lost job); meanwhile this node counts them locally.
            lock (_lock)
            {
                foreach (var (group, jobs) in pending) _pending[group] = _pending.GetValueOrDefault(group) + jobs;
            }
            return;
        }
        lock (_lock)
        {
            foreach (var (group, jobs) in pending) _shared[group] = _shared.GetValueOrDefault(group) + jobs;
        }
        await PullAsync(groups, cancellationToken);
    }

    private async Task PullAsync(string[] groups, CancellationToken cancellationToken)
    {
        if (groups.Length == 0) return;
        try
        {
            var totals = await _redis.Database.HashGetAsync(_key, [.. groups.Select(g => (RedisValue)g)]).WaitAsync(cancellationToken);
            var shared = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 0; i < groups.Length; i++)
            {
                shared[groups[i]] = double.TryParse(totals[i].ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var total) ? total : 0;
            }
            lock (_lock) _shared = shared;
        }
        catch (Exception exception) when (IsRedisTrouble(exception))
        {
            // The local picture stays as it was until the next sync.
        }
    }

    private static bool IsRedisTrouble(Exception exception) => exception is RedisException or TimeoutException;
}
