using Worcr.Redis.Internal;

namespace Worcr.Redis.Limits;

/// <summary>
/// The limit scripts. Every acquire answers {granted, retry_after_ms, remaining, ticket}; retry_after_ms is -1
/// when an all-or-nothing cost can never fit. Time is the Redis server's (TIME), never a caller's clock, and
/// every key gets a TTL so an idle counter disappears by itself.
/// </summary>
internal static class LimitScripts
{
    // ARGV: capacity, period ms, wanted, all-or-nothing (1/0). KEYS[1]: hash {w = window number, n = used}.
    public static readonly RedisScript FixedWindowAcquire = new($$"""
        {{LuaTime.NowMilliseconds}}
        local capacity, period, wanted, whole = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
        local window = math.floor(now / period)
        local used = 0
        local stored = redis.call('HMGET', KEYS[1], 'w', 'n')
        if tonumber(stored[1]) == window then used = tonumber(stored[2]) or 0 end
        local free = math.max(0, capacity - used)
        local granted = math.min(wanted, free)
        if whole and granted < wanted then granted = 0 end
        local window_end = (window + 1) * period
        if granted > 0 then
          redis.call('HSET', KEYS[1], 'w', window, 'n', used + granted)
          redis.call('PEXPIRE', KEYS[1], window_end - now)
        end
        local retry = 0
        if granted == 0 then retry = window_end - now end
        if whole and wanted > capacity then retry = -1 end
        return {granted, retry, free - granted, window}
        """);

    // ARGV: window number, count. Gives back units taken in that window (a window already over needs nothing).
    public static readonly RedisScript FixedWindowGiveBack = new("""
        if tonumber(redis.call('HGET', KEYS[1], 'w')) ~= tonumber(ARGV[1]) then return 0 end
        local left = redis.call('HINCRBY', KEYS[1], 'n', -tonumber(ARGV[2]))
        if left < 0 then redis.call('HSET', KEYS[1], 'n', 0) end
        return 1
        """);

    // ARGV: capacity, period ms, wanted, all-or-nothing. KEYS[1]: sorted set of grants scored by time,
    // KEYS[2]: the sequence naming grants. An exact sliding log: memory grows with capacity, not with traffic.
    public static readonly RedisScript SlidingWindowAcquire = new($$"""
        {{LuaTime.NowMilliseconds}}
        local capacity, period, wanted, whole = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
        local used = redis.call('ZCARD', KEYS[1])
        local free = math.max(0, capacity - used)
        local granted = math.min(wanted, free)
        if whole and granted < wanted then granted = 0 end
        local last = 0
        if granted > 0 then
          last = redis.call('INCRBY', KEYS[2], granted)
          for i = last - granted + 1, last do redis.call('ZADD', KEYS[1], now, i) end
          redis.call('PEXPIRE', KEYS[1], period)
          redis.call('PEXPIRE', KEYS[2], period)
          return {granted, 0, free - granted, last}
        end
        local need = 1
        if whole then need = wanted end
        if need > capacity then return {0, -1, free, 0} end
        -- The grant that must leave the window before `need` fit: the (used - capacity + need)-th oldest.
        local leaving = redis.call('ZRANGE', KEYS[1], used - capacity + need - 1, used - capacity + need - 1, 'WITHSCORES')
        local retry = 1
        if leaving[2] then retry = math.max(1, tonumber(leaving[2]) + period - now + 1) end
        return {0, retry, free, 0}
        """);

    // ARGV: last entry of a grant, count. Removes that grant's newest `count` entries.
    public static readonly RedisScript SlidingWindowGiveBack = new("""
        local last, count = tonumber(ARGV[1]), tonumber(ARGV[2])
        for i = last - count + 1, last do redis.call('ZREM', KEYS[1], i) end
        return 1
        """);

    // ARGV: tokens per period, period ms, bucket size, wanted, all-or-nothing. KEYS[1]: hash {t = tokens, ts = ms}.
    // A missing key is a full bucket, so the TTL is the time the bucket needs to fill up again.
    public static readonly RedisScript TokenBucketAcquire = new($$"""
        {{LuaTime.NowMilliseconds}}
        local rate = tonumber(ARGV[1]) / tonumber(ARGV[2])
        local size, wanted, whole = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1'
        local tokens = size
        local stored = redis.call('HMGET', KEYS[1], 't', 'ts')
        if stored[1] then tokens = math.min(size, tonumber(stored[1]) + math.max(0, now - tonumber(stored[2])) * rate) end
        local granted = math.min(wanted, math.floor(tokens))
        if whole and granted < wanted then granted = 0 end
        tokens = tokens - granted
        -- Every digit a double holds: a slow bucket refills a tiny fraction between two close calls, and rounding that
        -- away at each call (six decimals did) would keep a bucket asked often from ever refilling.
        redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'ts', now)
        redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((size - tokens) / rate)))
        local retry = 0
        if granted == 0 then
          local need = 1
          if whole then need = wanted end
          if need > size then retry = -1 else retry = math.max(1, math.ceil((need - tokens) / rate)) end
        end
        return {granted, retry, math.floor(tokens), 0}
        """);

    // ARGV: count. Puts unused tokens back; the next acquire caps the bucket at its size.
    public static readonly RedisScript TokenBucketGiveBack = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HINCRBYFLOAT', KEYS[1], 't', ARGV[1])
        return 1
        """);

    // ARGV: capacity, lease ms, holder ids... KEYS[1]: sorted set of holders scored by lease expiry.
    // Admits holders in order while there is room; a holder already present is renewed and counts as admitted.
    public static readonly RedisScript ConcurrencyAcquire = new($$"""
        {{LuaTime.NowMilliseconds}}
        local capacity, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local free = math.max(0, capacity - redis.call('ZCARD', KEYS[1]))
        local granted = 0
        for i = 3, #ARGV do
          if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
            redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
          elseif free > 0 then
            redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
            free = free - 1
          else
            break
          end
          granted = granted + 1
        end
        if granted > 0 and redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
        local retry = 0
        if granted == 0 then
          local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          retry = 1
          if first[2] then retry = math.max(1, tonumber(first[2]) - now) end
        end
        return {granted, retry, free, 0}
        """);

    // ARGV: lease ms, channel ('' for none), limit key, number of holders to remove, those holders, then holders to
    // (re)register. Releases, renewals and the swap of dispatch placeholders for job ids are all this one script.
    // Registering ignores capacity on purpose: it re-registers permits of jobs already running (after a Redis
    // restart). When holders left, the limit key is published so parked lanes on every node retry at once.
    public static readonly RedisScript ConcurrencySettle = new($$"""
        {{LuaTime.NowMilliseconds}}
        local lease, channel, removing = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[4])
        local removed = 0
        for i = 5, 4 + removing do removed = removed + redis.call('ZREM', KEYS[1], ARGV[i]) end
        for i = 5 + removing, #ARGV do redis.call('ZADD', KEYS[1], now + lease, ARGV[i]) end
        if redis.call('ZCARD', KEYS[1]) == 0 then
          redis.call('DEL', KEYS[1])
        elseif #ARGV >= 5 + removing and redis.call('PTTL', KEYS[1]) < lease then
          redis.call('PEXPIRE', KEYS[1], lease)
        end
        if removed > 0 and channel ~= '' then redis.call('PUBLISH', channel, ARGV[3]) end
        return removed
        """);
}
