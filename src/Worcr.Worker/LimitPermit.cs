namespace Worcr.Worker;

/// <summary>The node's answer to <see cref="IJobContext.AcquireLimitAsync"/>.</summary>
/// <param name="Granted">Whether the call may go ahead now.</param>
/// <param name="RetryAfter">When not granted: try again after this long (zero when granted).</param>
/// <param name="Remaining">Units left in the current period, when the limit knows (0 otherwise).</param>
public sealed record LimitPermit(bool Granted, TimeSpan RetryAfter, long Remaining);
