namespace Worcr.Redis.Limits;

/// <summary>How a limit counts. Each kind is one atomic script on one hash slot (docs/fairness-and-limits.md).</summary>
public enum LimitKind
{
    /// <summary>At most N holders at once; holders are leased so a dead node's permits free themselves.</summary>
    Concurrency,

    /// <summary>At most N per calendar window of the period (windows start at multiples of the period).</summary>
    FixedWindow,

    /// <summary>At most N in any period ending now (an exact sliding log of grant times).</summary>
    SlidingWindow,

    /// <summary>N per period on average, up to a burst of tokens at once.</summary>
    TokenBucket,
}
