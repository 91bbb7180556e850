namespace Worcr.Core.Retries;

/// <summary>
/// The one backoff of the project: exponential, capped, with jitter. The delay before retry n lies in
/// [ceiling·(1 − jitter), ceiling] where ceiling = min(base·2^(n-1), max). Job retries use half the ceiling as
/// jitter, so jobs that failed together (a downstream outage) do not come back as one wave; reconnects use a
/// little, so nodes and workers cut off together do not return in the same millisecond; webhook deliveries use
/// none, so a receiver sees a predictable schedule.
/// </summary>
public sealed class RetryBackoff
{
    private readonly Func<double> _random;

    /// <param name="random">Returns a value in [0, 1]; injected so tests get exact delays.</param>
    /// <param name="jitter">The share of the ceiling the delay may fall short of it, in [0, 1].</param>
    public RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Func<double>? random = null, double jitter = 0.5)
    {
        if (baseDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(baseDelay), "The base delay must be positive.");
        if (maxDelay < baseDelay) throw new ArgumentOutOfRangeException(nameof(maxDelay), "The maximum delay must be at least the base delay.");
        if (jitter is < 0 or > 1 || double.IsNaN(jitter)) throw new ArgumentOutOfRangeException(nameof(jitter), "The jitter must be between 0 and 1.");
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
        Jitter = jitter;
        _random = random ?? Random.Shared.NextDouble;
    }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    public double Jitter { get; }

    /// <summary>The delay after the <paramref name="failures"/>-th failure (1 for the first).</summary>
    public TimeSpan DelayAfter(int failures)
    {
        // Clamp before subtracting: failures - 1 overflows for int.MinValue and would give the longest delay.
        var exponent = Math.Clamp(failures, 1, 31) - 1;
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        if (Jitter == 0) return TimeSpan.FromMilliseconds(ceiling);
        // A random source outside [0, 1] must not push the delay outside [ceiling·(1 − jitter), ceiling].
        var random = Math.Clamp(_random(), 0, 1);
        return TimeSpan.FromMilliseconds(ceiling * (1 - Jitter * (1 - random)));
    }
}
