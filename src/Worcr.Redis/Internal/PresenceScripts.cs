namespace Worcr.Redis.Internal;

/// <summary>
/// KEYS[1] is the index of one kind: a sorted set of ids scored by expiry time (last seen + ttl, so entries with
/// different ttls prune correctly); KEYS[2] an entry hash ("seen" plus "i:"-prefixed info fields) that expires by itself.
/// Every script prunes the index by score, using the server's clock.
/// </summary>
internal static class PresenceScripts
{
    // ARGV[1] id, ARGV[2] ttl ms, ARGV[3..] info field/value pairs.
    public static readonly string Heartbeat = $"""
        {LuaTime.NowMilliseconds}
        local ttl = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[2], 'seen', now, unpack(ARGV, 3))
        redis.call('PEXPIRE', KEYS[2], ttl)
        redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
        if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
        return now
        """;

    // Returns the ids still live.
    public static readonly string PruneAndList = $"""
        {LuaTime.NowMilliseconds}
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """;

    // ARGV[1] id.
    public static readonly string Remove = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        return redis.call('DEL', KEYS[2])
        """;
}
