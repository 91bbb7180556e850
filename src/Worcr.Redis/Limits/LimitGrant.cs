namespace Worcr.Redis.Limits;

/// <summary>What an acquire got.</summary>
/// <param name="Granted">Units (or holders) admitted; 0 when none.</param>
/// <param name="RetryAfter">When nothing was granted: how long until a permit may be free (the server's estimate).</param>
/// <param name="Remaining">Units left in the current period after this grant, when the kind knows.</param>
/// <param name="Ticket">What a give-back needs: the window (fixed window) or the last log entry (sliding window).</param>
public readonly record struct LimitGrant(long Granted, TimeSpan RetryAfter, long Remaining, long Ticket)
{
    /// <summary>A cost larger than the limit can ever grant at once (all-or-nothing acquires only).</summary>
    public bool Impossible => Granted == 0 && RetryAfter < TimeSpan.Zero;
}
