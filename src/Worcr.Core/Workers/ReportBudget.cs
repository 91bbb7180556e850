namespace Worcr.Core.Workers;

/// <summary>
/// A token bucket over one worker's progress and log messages. The node asks it before handling each such message
/// and pauses that worker's read loop for the answer: a worker reporting faster than the budget is slowed (HTTP/2
/// flow control then stops its sender), its reports are delayed, never dropped, and other workers' jobs keep the
/// node's CPU. Not thread-safe: one per stream, used by that stream's read loop only.
/// </summary>
public sealed class ReportBudget
{
    /// <summary>Pauses shorter than this are not taken yet: the debt grows until one pause covers it.</summary>
    public static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(5);

    private readonly double _perSecond;
    private readonly double _burst;
    private readonly long _ticksPerSecond;
    private double _tokens;
    private long _lastTimestamp;

    /// <param name="perSecond">Sustained reports per second.</param>
    /// <param name="burst">Reports allowed at once after a quiet spell.</param>
    /// <param name="ticksPerSecond">The timestamps' frequency (<see cref="TimeProvider.TimestampFrequency"/>).</param>
    /// <param name="now">The current timestamp: the bucket starts full.</param>
    public ReportBudget(double perSecond, double burst, long ticksPerSecond, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticksPerSecond);
        _perSecond = perSecond;
        _burst = burst;
        _ticksPerSecond = ticksPerSecond;
        _tokens = burst;
        _lastTimestamp = now;
    }

    /// <summary>Total time this budget asked its worker to pause.</summary>
    public TimeSpan Paused { get; private set; }

    /// <summary>Spends one report at <paramref name="now"/>; answers how long to pause before handling it (zero when within budget).</summary>
    public TimeSpan Take(long now)
    {
        var elapsed = Math.Max(0, now - _lastTimestamp) / (double)_ticksPerSecond;
        _lastTimestamp = Math.Max(now, _lastTimestamp);
        _tokens = Math.Min(_burst, _tokens + elapsed * _perSecond) - 1;
        if (_tokens >= 0) return TimeSpan.Zero;
        var pause = TimeSpan.FromSeconds(-_tokens / _perSecond);
        if (pause < MinimumPause) return TimeSpan.Zero;
        Paused += pause;
        return pause;
    }
}
