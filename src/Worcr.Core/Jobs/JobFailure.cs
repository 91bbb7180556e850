namespace Worcr.Core.Jobs;

/// <summary>A worker's report that attempt <paramref name="Attempt"/> of a job failed with <paramref name="Error"/>.</summary>
public sealed record JobFailure(long JobId, int Attempt, string Error)
{
    /// <summary>When set, the failure applies only while this holder holds the attempt's lease.</summary>
    public LeaseHolder? Holder { get; init; }
}
