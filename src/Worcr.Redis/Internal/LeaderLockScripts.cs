namespace Worcr.Redis.Internal;

/// <summary>KEYS[1] is the lock (value "token:owner"), KEYS[2] its fencing counter, which never expires.
/// Fencing tokens are max(last + 1, server time in ms): strictly increasing, also across a restart that lost the counter.</summary>
internal static class LeaderLockScripts
{
    // ARGV[1] owner, ARGV[2] ttl ms. Returns {token, expires-at ms} or nil when held.
    // The token is at least the server time in ms, so it still grows after Redis restarts with its data gone.
    public static readonly RedisScript Acquire = new($$"""
        if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
        {{LuaTime.NowMilliseconds}}
        local token = math.max((tonumber(redis.call('GET', KEYS[2])) or 0) + 1, now)
        redis.call('SET', KEYS[2], token)
        redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'NX', 'PX', ARGV[2])
        return {token, now + tonumber(ARGV[2])}
        """);

    // ARGV[1] lock value, ARGV[2] ttl ms. Returns 1 when renewed, 0 when the lease is no longer current.
    public static readonly RedisScript Renew = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """);

    // ARGV[1] lock value. Deletes the lock only when this lease is still current.
    public static readonly RedisScript Release = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        return redis.call('DEL', KEYS[1])
        """);
}
