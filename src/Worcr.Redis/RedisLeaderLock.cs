using StackExchange.Redis;
using Worcr.Redis.Internal;

namespace Worcr.Redis;

/// <summary>
/// Named leader locks with fencing tokens, each operation one atomic script on one hash slot.
/// Expiry uses the Redis server's clock. A leader renews well before <see cref="LeaderLease.ExpiresAt"/> and stops
/// leading as soon as a renewal fails or cannot be confirmed.
/// </summary>
public sealed class RedisLeaderLock
{
    private readonly RedisConnection _connection;
    private readonly string _keyPrefix;

    public RedisLeaderLock(RedisConnection connection, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _connection = connection;
        _keyPrefix = keyPrefix;
    }

    /// <summary>The lease, or null when another owner (or another lease of the same owner) holds the lock.</summary>
    public async Task<LeaderLease?> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var reply = await _connection.EvalAsync(LeaderLockScripts.Acquire, Keys(name), [owner, Milliseconds(ttl)], cancellationToken);
        if (reply.IsNull || (RedisResult[])reply! is not [var token, var expiresAt]) return null;
        return new LeaderLease(name, owner, (long)token, DateTimeOffset.FromUnixTimeMilliseconds((long)expiresAt));
    }

    /// <summary>Extends the lease to <paramref name="ttl"/> from now; false when it is no longer the current lease.</summary>
    public async Task<bool> RenewAsync(LeaderLease lease, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var reply = await _connection.EvalAsync(LeaderLockScripts.Renew, Keys(lease.Name), [lease.LockValue, Milliseconds(ttl)], cancellationToken);
        return (long)reply == 1;
    }

    /// <summary>Gives the lock up so another owner can take it at once; does nothing when the lease is no longer current.</summary>
    public async Task ReleaseAsync(LeaderLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await _connection.EvalAsync(LeaderLockScripts.Release, Keys(lease.Name), [lease.LockValue], cancellationToken);
    }

    private RedisKey[] Keys(string name) => [RedisKeys.Lock(_keyPrefix, name), RedisKeys.LockFencing(_keyPrefix, name)];

    private static long Milliseconds(TimeSpan ttl) =>
        ttl >= TimeSpan.FromMilliseconds(1)
            ? (long)ttl.TotalMilliseconds
            : throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A lease lasts at least 1 ms.");
}
