namespace Worcr.Core.Dispatch;

/// <summary>
/// What the job limits on a lane's keys allow for one claim: how many jobs may be claimed and, when none may,
/// how long the lane should wait before it is asked again.
/// </summary>
/// <param name="Granted">Jobs the claim may take (at most what was asked).</param>
/// <param name="RetryAfter">When nothing was granted: the time until the limits may allow some again.</param>
public readonly record struct LimitDecision(int Granted, TimeSpan RetryAfter)
{
    /// <summary>No limit applies: everything asked is granted.</summary>
    public static LimitDecision All(int asked) => new(asked, TimeSpan.Zero);

    /// <summary>Nothing now; ask again after <paramref name="retryAfter"/>.</summary>
    public static LimitDecision Denied(TimeSpan retryAfter) => new(0, retryAfter);
}
