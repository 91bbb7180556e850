namespace Worcr.Core.Retries;

/// <summary>
/// Exponential backoff with full jitter: the delay before retry n is a random point in
/// [base·2^(n-1) / 2, base·2^(n-1)], capped. Jitter spreads retries of jobs that failed together
/// (a downstream outage) so they do not come back as one wave.
/// </summary>
public sealed class RetryBackoff
{
    private readonly Func<double> _random;

    public RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Func<double>? random = null)
    {
        if (baseDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(baseDelay), "The base delay must be positive.");
        if (maxDelay < baseDelay) throw new ArgumentOutOfRangeException(nameof(maxDelay), "The maximum delay must be at least the base delay.");
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
        _random = random ?? Random.Shared.NextDouble;
    }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>The delay after the <paramref name="failures"/>-th failure (1 for the first).</summary>
    public TimeSpan DelayAfter(int failures)
    {
        // Clamp before subtracting: failures - 1 overflows for int.MinValue and would give the longest delay.
        var exponent = Math.Clamp(failures, 1, 31) - 1;
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        // A random source outside [0, 1] must not push the delay outside [ceiling/2, ceiling].
        var jitter = Math.Clamp(_random(), 0, 1);
        return TimeSpan.FromMilliseconds(ceiling / 2 + jitter * ceiling / 2);
    }
}
