namespace Worcr.Core.Jobs;

/// <summary>A worker's report that attempt <paramref name="Attempt"/> of a job succeeded.</summary>
public sealed record Completion(long JobId, int Attempt, string? ResultJson)
{
    /// <summary>When set, the completion applies only while this holder holds the attempt's lease.</summary>
    public LeaseHolder? Holder { get; init; }
}
