namespace Worcr.Redis.Internal;

/// <summary>
/// KEYS[1] is the index of one kind: a sorted set of ids scored by expiry time (last seen + ttl, so entries with
/// different ttls prune correctly); KEYS[2] an entry hash ("seen" plus "i:"-prefixed info fields) that expires by itself.
/// Every script prunes the index by score, using the server's clock.
/// </summary>
internal static class PresenceScripts
{
    // KEYS[2..] the entry hashes of the ids beating. ARGV[1] ttl ms, then per entry in KEYS order: id, number of
    // info values that follow (fields and values, so even), those values. One call beats many entries of one kind.
    public static readonly RedisScript Heartbeat = new($"""
        {LuaTime.NowMilliseconds}
        local ttl = tonumber(ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local at = 2
        for k = 2, #KEYS do
          local id, count = ARGV[at], tonumber(ARGV[at + 1])
          redis.call('DEL', KEYS[k])
          redis.call('HSET', KEYS[k], 'seen', now, unpack(ARGV, at + 2, at + 1 + count))
          redis.call('PEXPIRE', KEYS[k], ttl)
          redis.call('ZADD', KEYS[1], now + ttl, id)
          at = at + 2 + count
        end
        if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
        return now
        """);

    // Returns the ids still live.
    public static readonly RedisScript PruneAndList = new($"""
        {LuaTime.NowMilliseconds}
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """);

    // ARGV[1] id.
    public static readonly RedisScript Remove = new("""
        redis.call('ZREM', KEYS[1], ARGV[1])
        return redis.call('DEL', KEYS[2])
        """);
}
