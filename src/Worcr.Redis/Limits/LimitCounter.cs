namespace Worcr.Redis.Limits;

/// <summary>One counter in Redis: a limit definition applied to one limit key.</summary>
/// <param name="Key">The limit key, e.g. "host:example.com"; it is the keys' hash tag, so one script touches one slot.</param>
/// <param name="Name">The limit definition's name: two limits on the same key count apart.</param>
/// <param name="Kind">How it counts.</param>
/// <param name="Capacity">Holders (concurrency), grants per window, or tokens added per period (token bucket).</param>
/// <param name="Period">Window length, or the token bucket's refill period; unused for concurrency.</param>
/// <param name="Burst">The token bucket's size (most tokens at once); unused by other kinds.</param>
public sealed record LimitCounter(string Key, string Name, LimitKind Kind, long Capacity, TimeSpan Period, long Burst = 0)
{
    internal long PeriodMilliseconds => Math.Max(1, (long)Period.TotalMilliseconds);

    /// <summary>The token bucket's size: its burst, or its capacity when no burst was given.</summary>
    internal long BucketSize => Burst > 0 ? Burst : Capacity;
}
