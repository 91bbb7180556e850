using System.Globalization;
using System.Net;
using StackExchange.Redis;
using Worcr.Redis;

namespace Worcr.Admin;

/// <summary>
/// Brakes password guessing across every node: failed sign-ins are counted in Redis per client address and for the
/// password sign-in as a whole (the account: one form, where one guess tests both passwords). After a number of
/// failures the counter locks sign-in for a while, and each further failure after a lock doubles it, up to a cap.
/// A locked sign-in is refused before the password is looked at, so guesses during a lock cost nothing and learn
/// nothing. Failures are forgotten a quiet quarter hour after the last one (or the lock's end); a success clears
/// its address's counter. Times come from the node's clock (nodes run on synced clocks; skew only shifts a lock's end).
/// </summary>
internal sealed class SignInThrottle
{
    /// <summary>One client address: a person mistyping, or one machine guessing.</summary>
    public static readonly SignInLockout PerAddress = new("address", Threshold: 5, FirstLock: TimeSpan.FromSeconds(1), MaxLock: TimeSpan.FromMinutes(15));

    /// <summary>
    /// Every address together: guessing spread over many addresses. Higher, so one guesser cannot lock everyone out
    /// as quickly; the operator API key keeps working during a lock.
    /// </summary>
    public static readonly SignInLockout PerAccount = new("account", Threshold: 20, FirstLock: TimeSpan.FromSeconds(1), MaxLock: TimeSpan.FromMinutes(15));

    /// <summary>Failures are forgotten this long after the last failure or the end of the last lock, whichever is later.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromMinutes(15);

    // Counts one failure of a counter (a hash: f failures, l last failure, u locked until; ms) and returns the
    // new lock in ms (0: not locked). ARGV: now, threshold, first lock, max lock, memory.
    private const string Fail = """
        local now = tonumber(ARGV[1])
        local f = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
        local last = math.max(tonumber(redis.call('HGET', KEYS[1], 'l') or '0'), tonumber(redis.call('HGET', KEYS[1], 'u') or '0'))
        if now - last > tonumber(ARGV[5]) then f = 0 end
        f = f + 1
        local threshold = tonumber(ARGV[2])
        local lock = 0
        if f >= threshold then lock = math.min(tonumber(ARGV[3]) * 2 ^ math.min(f - threshold, 30), tonumber(ARGV[4])) end
        redis.call('HSET', KEYS[1], 'f', f, 'l', now, 'u', now + lock)
        redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[5]) + tonumber(ARGV[4])))
        return math.floor(lock)
        """;

    private const string AccountName = "password";
    private readonly RedisConnection _redis;
    private readonly string _keyPrefix;
    private readonly TimeProvider _time;

    public SignInThrottle(RedisConnection redis, string keyPrefix, TimeProvider time)
    {
        _redis = redis;
        _keyPrefix = keyPrefix;
        _time = time;
    }

    /// <summary>How long sign-in stays locked for this address (the longer of its lock and the account's); zero when open.</summary>
    public async Task<TimeSpan> LockedForAsync(IPAddress? address, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = await Task.WhenAll(
            _redis.Database.HashGetAsync(Key(PerAddress, address), "u"),
            _redis.Database.HashGetAsync(Key(PerAccount, null), "u")).WaitAsync(cancellationToken);
        var latest = until.Select(value => value.TryParse(out long ms) ? ms : 0).Max();
        return latest > now ? TimeSpan.FromMilliseconds(latest - now) : TimeSpan.Zero;
    }

    /// <summary>Counts a failed sign-in from this address.</summary>
    public async Task FailedAsync(IPAddress? address, CancellationToken cancellationToken)
    {
        await CountAsync(PerAddress, address, cancellationToken);
        await CountAsync(PerAccount, null, cancellationToken);
    }

    /// <summary>A correct password from this address: its own counter starts over (the account's decays with time).</summary>
    public Task SucceededAsync(IPAddress? address, CancellationToken cancellationToken) =>
        _redis.Database.KeyDeleteAsync(Key(PerAddress, address)).WaitAsync(cancellationToken);

    private Task<RedisResult> CountAsync(SignInLockout lockout, IPAddress? address, CancellationToken cancellationToken) =>
        _redis.EvalAsync(Fail, [Key(lockout, address)],
        [
            _time.GetUtcNow().ToUnixTimeMilliseconds(), lockout.Threshold, (long)lockout.FirstLock.TotalMilliseconds,
            (long)lockout.MaxLock.TotalMilliseconds, (long)Memory.TotalMilliseconds,
        ], cancellationToken);

    private RedisKey Key(SignInLockout lockout, IPAddress? address) =>
        $"{_keyPrefix}signin:{lockout.Name}:{(lockout == PerAccount ? AccountName : AddressName(address))}";

    /// <summary>An IPv4 client seen through an IPv6 socket counts as the same address.</summary>
    private static string AddressName(IPAddress? address) => address is null ? "unknown"
        : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString().ToLower(CultureInfo.InvariantCulture);
}

/// <summary>When a sign-in counter locks: at <paramref name="Threshold"/> failures for <paramref name="FirstLock"/>, doubling per further failure up to <paramref name="MaxLock"/>.</summary>
internal sealed record SignInLockout(string Name, int Threshold, TimeSpan FirstLock, TimeSpan MaxLock);
