namespace Worcr.Worker.Internal;

/// <summary>
/// Exponential reconnect delays: 100 ms doubling up to a maximum, each scaled by a jitter of ±20 % so that workers
/// cut off together by a node's death do not all come back in the same millisecond.
/// </summary>
internal sealed class ReconnectBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan _max;
    private readonly Func<double> _random;
    private TimeSpan _next = Initial;

    /// <param name="max">The longest delay.</param>
    /// <param name="random">Returns a value in [0, 1); injected so tests get exact delays.</param>
    public ReconnectBackoff(TimeSpan max, Func<double> random)
    {
        _max = max;
        _random = random;
    }

    public TimeSpan Next()
    {
        var current = Min(_next, _max);
        _next = Min(_next * 2, _max);
        return current * (0.8 + (0.4 * _random()));
    }

    /// <summary>After a successful Welcome the next failure starts from the beginning again.</summary>
    public void Reset() => _next = Initial;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
