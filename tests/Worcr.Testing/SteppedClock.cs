namespace Worcr.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose two clocks a test moves apart: the wall clock (<see cref="GetUtcNow"/>) and the
/// monotonic timestamp (<see cref="GetTimestamp"/>). <c>FakeTimeProvider</c> cannot do it: its timestamp follows its
/// wall clock, which never goes back. Here a wall clock can be stepped back (an NTP correction) while the timestamp
/// runs on, and stepped ahead while the timestamp stands still (a suspended host or VM). Its timers are the system's:
/// it is for code that reads the clocks, not for code that waits on them.
/// <para>
/// Worcr.Core.Tests compiles this file too (linked in its project file), since it references no fixture.
/// </para>
/// </summary>
public sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _wall = start;
    private long _ticks;

    public SteppedClock()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _wall;

    public override long GetTimestamp() => _ticks;

    /// <summary>Time passes: both clocks move ahead by <paramref name="span"/>.</summary>
    public void Pass(TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.Zero);
        _wall += span;
        _ticks += span.Ticks;
    }

    /// <summary>The wall clock alone is set back by <paramref name="span"/> (an NTP correction, an operator).</summary>
    public void StepWallBack(TimeSpan span) => _wall -= span;

    /// <summary>The host sleeps for <paramref name="span"/>: the wall clock moves ahead, the monotonic one stands still.</summary>
    public void Suspend(TimeSpan span) => _wall += span;
}
