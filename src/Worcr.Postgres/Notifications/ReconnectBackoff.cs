namespace Worcr.Postgres;

/// <summary>Exponential backoff with jitter for reconnecting: 100 ms doubling up to 5 s.</summary>
internal sealed class ReconnectBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);
    private TimeSpan _next = TimeSpan.Zero;

    public void Reset() => _next = TimeSpan.Zero;

    public TimeSpan Next()
    {
        var delay = _next;
        _next = _next == TimeSpan.Zero ? First : TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, Max.Ticks));
        // Jitter spreads the reconnects of many nodes after a server restart.
        return delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50));
    }
}
