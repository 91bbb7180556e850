namespace Worcr.Core.Retries;

/// <summary>How many attempts of a job failed so far, out of how many it may use.</summary>
public sealed record FailureBudget(int Failures, int MaxAttempts)
{
    /// <summary>True when <paramref name="more"/> further failures leave no attempt to run again.</summary>
    public bool IsSpentBy(int more) => Failures + more >= MaxAttempts;
}
