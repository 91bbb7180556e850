using StackExchange.Redis;
using Worcr.Redis.Internal;

namespace Worcr.Redis.Limits;

/// <summary>
/// Limit counters shared by every node: each call is one atomic script on one hash slot (the limit key's).
/// After a Redis restart the counters are empty: windows and buckets recover within one period, and the
/// concurrency holders of running jobs are registered again at their next lease renewal.
/// </summary>
public sealed class RedisLimiter
{
    private readonly RedisConnection _connection;
    private readonly string _keyPrefix;

    public RedisLimiter(RedisConnection connection, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _connection = connection;
        _keyPrefix = keyPrefix;
    }

    /// <summary>The pub/sub channel on which a concurrency key is published when holders leave it.</summary>
    public string ReleasedChannel => _keyPrefix + "limits:released";

    /// <summary>
    /// Takes up to <paramref name="wanted"/> units of a window or bucket limit; with <paramref name="allOrNothing"/>
    /// either all of them or none. Concurrency limits take holders instead (<see cref="AcquireHoldersAsync"/>).
    /// </summary>
    public async Task<LimitGrant> AcquireAsync(LimitCounter counter, long wanted, bool allOrNothing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentOutOfRangeException.ThrowIfLessThan(wanted, 1);
        RedisValue whole = allOrNothing ? "1" : "0";
        var reply = counter.Kind switch
        {
            LimitKind.FixedWindow => await EvalAsync(LimitScripts.FixedWindowAcquire, [Key(counter, "fw")],
                [counter.Capacity, counter.PeriodMilliseconds, wanted, whole], cancellationToken),
            LimitKind.SlidingWindow => await EvalAsync(LimitScripts.SlidingWindowAcquire, [Key(counter, "sw"), Key(counter, "sw:seq")],
                [counter.Capacity, counter.PeriodMilliseconds, wanted, whole], cancellationToken),
            LimitKind.TokenBucket => await EvalAsync(LimitScripts.TokenBucketAcquire, [Key(counter, "tb")],
                [counter.Capacity, counter.PeriodMilliseconds, counter.BucketSize, wanted, whole], cancellationToken),
            _ => throw new ArgumentException("Concurrency limits are acquired with holders (AcquireHoldersAsync).", nameof(counter)),
        };
        return ToGrant(reply);
    }

    /// <summary>
    /// Returns <paramref name="count"/> unused units of <paramref name="grant"/>. Exact for every kind: a window that
    /// has already ended needs nothing back, and a bucket is capped at its size by the next acquire.
    /// </summary>
    public async Task GiveBackAsync(LimitCounter counter, LimitGrant grant, long count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (count <= 0) return;
        count = Math.Min(count, grant.Granted);
        _ = counter.Kind switch
        {
            LimitKind.FixedWindow => await EvalAsync(LimitScripts.FixedWindowGiveBack, [Key(counter, "fw")], [grant.Ticket, count], cancellationToken),
            LimitKind.SlidingWindow => await EvalAsync(LimitScripts.SlidingWindowGiveBack, [Key(counter, "sw")], [grant.Ticket, count], cancellationToken),
            LimitKind.TokenBucket => await EvalAsync(LimitScripts.TokenBucketGiveBack, [Key(counter, "tb")], [count], cancellationToken),
            _ => throw new ArgumentException("Concurrency permits are given back with ReleaseHoldersAsync.", nameof(counter)),
        };
    }

    /// <summary>
    /// Admits holders in order while the concurrency limit has room (expired holders are dropped first); the
    /// first <see cref="LimitGrant.Granted"/> holders hold a permit until <paramref name="lease"/> from now.
    /// </summary>
    public async Task<LimitGrant> AcquireHoldersAsync(LimitCounter counter, IReadOnlyList<string> holders, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        RequireConcurrency(counter);
        if (holders.Count == 0) return new LimitGrant(0, TimeSpan.Zero, 0, 0);
        RedisValue[] args = [counter.Capacity, LeaseMilliseconds(lease), .. holders.Select(h => (RedisValue)h)];
        return ToGrant(await EvalAsync(LimitScripts.ConcurrencyAcquire, [Key(counter, "cc")], args, cancellationToken));
    }

    /// <summary>
    /// In one step: releases <paramref name="release"/> and (re)registers <paramref name="register"/> for
    /// <paramref name="lease"/>, whatever the capacity (they are jobs already running). Returns how many were released.
    /// </summary>
    public async Task<long> SettleHoldersAsync(LimitCounter counter, IReadOnlyList<string> release, IReadOnlyList<string> register, TimeSpan lease,
        CancellationToken cancellationToken = default)
    {
        RequireConcurrency(counter);
        if (release.Count == 0 && register.Count == 0) return 0;
        RedisValue[] args = [LeaseMilliseconds(lease), ReleasedChannel, counter.Key, release.Count, .. release.Select(h => (RedisValue)h), .. register.Select(h => (RedisValue)h)];
        return (long)await EvalAsync(LimitScripts.ConcurrencySettle, [Key(counter, "cc")], args, cancellationToken);
    }

    /// <summary>The Redis keys a counter uses, for operators and tests.</summary>
    public IReadOnlyList<string> KeysOf(LimitCounter counter) => LimitKeyNames.All(_keyPrefix, counter);

    private Task<RedisResult> EvalAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken) =>
        _connection.EvalAsync(script, keys, args, cancellationToken);

    private string Key(LimitCounter counter, string suffix) => LimitKeyNames.Of(_keyPrefix, counter, suffix);

    private static LimitGrant ToGrant(RedisResult reply)
    {
        var items = (RedisResult[])reply!;
        var retry = (long)items[1];
        return new LimitGrant((long)items[0], retry < 0 ? TimeSpan.FromMilliseconds(-1) : TimeSpan.FromMilliseconds(retry), (long)items[2], (long)items[3]);
    }

    private static void RequireConcurrency(LimitCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (counter.Kind != LimitKind.Concurrency) throw new ArgumentException("Only concurrency limits have holders.", nameof(counter));
    }

    private static long LeaseMilliseconds(TimeSpan lease) =>
        lease >= TimeSpan.FromMilliseconds(1) ? (long)lease.TotalMilliseconds : throw new ArgumentOutOfRangeException(nameof(lease), lease, "A permit lasts at least 1 ms.");
}
