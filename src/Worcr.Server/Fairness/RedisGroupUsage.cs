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

    /// <summary>
    /// A count no allowed share can reach: a group's usage ÷ share (the virtual time it is raised to) is at most its
    /// jobs ÷ 0.000001, and its usage at most that × 1,000,000, so 1e30 would take 1e18 jobs. Only shares outside
    /// today's range put a count there (a share of 1e-300 raised returning tenants to usages near 1e300, before the
    /// admin API refused such weights), where one more job no longer changes it, and the key outlives them while the
    /// system stays busy. (Increments another node makes between the read and the delete are lost with it.)
    /// </summary>
    internal const double MaxUsage = 1e30;
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
        // A count past use is not sent: Redis refuses an increment that is not finite, and pushes kept for the next
        // sync would be sent again at every one, counting the other groups' increments again each time.
        var pastUse = pending.Where(p => !IsUsable(p.Value)).Select(p => (RedisValue)p.Key).ToArray();
        var pushes = pending.Where(p => IsUsable(p.Value))
            .Select(p => (Group: p.Key, Jobs: p.Value, Push: _redis.Database.HashIncrementAsync(_key, p.Key, p.Value))).ToArray();
        try
        {
            await Task.WhenAll(pushes.Select(p => p.Push)).WaitAsync(cancellationToken);
            if (pastUse.Length > 0) await _redis.Database.HashDeleteAsync(_key, pastUse).WaitAsync(cancellationToken);
            if (pending.Count > 0) await _redis.Database.KeyExpireAsync(_key, KeyLifetime).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (IsRedisTrouble(exception))
        {
            // Each push is looked at on its own below; the pull waits for the next sync.
            groups = [];
        }
        lock (_lock)
        {
            foreach (var (group, jobs, push) in pushes)
            {
                if (push.IsCompletedSuccessfully) _shared[group] = _shared.GetValueOrDefault(group) + jobs;
                // Kept for the next sync (an increment that did reach Redis with its answer lost may count twice: a
                // small, temporary unfairness, never a lost job); meanwhile this node counts it locally.
                else _pending[group] = _pending.GetValueOrDefault(group) + jobs;
            }
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
            var pastUse = new List<RedisValue>();
            for (var i = 0; i < groups.Length; i++)
            {
                var total = double.TryParse(totals[i].ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                if (!IsUsable(total))
                {
                    pastUse.Add(groups[i]);
                    total = 0;
                }
                shared[groups[i]] = total;
            }
            lock (_lock) _shared = shared;
            // Started afresh: its group then takes turns until it is level with the others, a bounded unfairness in
            // its favour instead of waiting behind every other group for as long as the key lives.
            if (pastUse.Count > 0) await _redis.Database.HashDeleteAsync(_key, [.. pastUse]).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (IsRedisTrouble(exception))
        {
            // The local picture stays as it was until the next sync.
        }
    }

    private static bool IsUsable(double usage) => Math.Abs(usage) <= MaxUsage;

    private static bool IsRedisTrouble(Exception exception) => exception is RedisException or TimeoutException;
}
