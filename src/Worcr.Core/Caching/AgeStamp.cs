namespace Worcr.Core.Caching;

/// <summary>
/// When something was read, on both of a node's clocks, so its age can be judged by the one that moved further.
/// <para>
/// Neither clock alone is safe for "is this still fresh?". The wall clock (<see cref="TimeProvider.GetUtcNow"/>) can
/// be stepped back (an NTP correction, an operator): wall time elapsed since the stamp then stays small or goes
/// negative, and an entry is trusted for the whole step (a revoked tenant key would keep working for hours). The
/// monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) never goes back, but it stops while the host or VM is
/// suspended: after a night's suspension it says seconds passed, and an entry read before would be trusted though
/// hours of real time went by. Each failure shows on one clock only, so the age is the larger of the two elapsed
/// times (the wall one clamped at zero): a step back leaves the monotonic count running, a suspension shows on the
/// wall clock. The price is at most an early re-read when the wall clock is stepped forward.
/// </para>
/// <para>
/// Only for spans measured inside one node: a time compared with PostgreSQL's or Redis's clock is a different matter.
/// A <c>default</c> stamp is older than any limit, so a missing reading counts as stale, never as fresh.
/// </para>
/// </summary>
public readonly struct AgeStamp
{
    private readonly DateTimeOffset _wall;
    private readonly long _timestamp;

    private AgeStamp(DateTimeOffset wall, long timestamp)
    {
        _wall = wall;
        _timestamp = timestamp;
    }

    /// <summary>Both clocks of <paramref name="time"/>, read now.</summary>
    public static AgeStamp Now(TimeProvider time) => new(time.GetUtcNow(), time.GetTimestamp());

    /// <summary>How long ago this stamp was taken: the larger of the wall and the monotonic time elapsed, never negative.</summary>
    public TimeSpan Age(TimeProvider time)
    {
        if (_wall == default) return TimeSpan.MaxValue;
        var wall = time.GetUtcNow() - _wall;
        var monotonic = time.GetElapsedTime(_timestamp);
        var larger = wall > monotonic ? wall : monotonic;
        return larger > TimeSpan.Zero ? larger : TimeSpan.Zero;
    }

    /// <summary>Whether less than <paramref name="limit"/> passed since this stamp, by both clocks.</summary>
    public bool IsYoungerThan(TimeSpan limit, TimeProvider time) => Age(time) < limit;
}
