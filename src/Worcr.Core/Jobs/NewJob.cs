namespace Worcr.Core.Jobs;

/// <summary>A job to enqueue. Tags are normalised (sorted, distinct) by the store.</summary>
/// <param name="RunAt">A future time makes the job scheduled; null or past makes it waiting now.</param>
/// <param name="ExpiresAt">The job expires if it has not started by then.</param>
/// <param name="UniqueKey">A live job with the same (tenant, type, key) makes this one a duplicate.</param>
/// <param name="UniqueWindow">When set, a job with the same key enqueued within this window is a duplicate even if finished.</param>
public sealed record NewJob(
    string Tenant,
    string Type,
    IReadOnlyList<string> Tags,
    string ArgsJson,
    double Weight,
    int MaxAttempts,
    DateTimeOffset? RunAt,
    DateTimeOffset? ExpiresAt,
    string? UniqueKey,
    TimeSpan? UniqueWindow)
{
    /// <summary>Limit keys (from limit definitions and rules); they become part of the job's lane. Normalised by the store.</summary>
    public IReadOnlyList<string> LimitKeys { get; init; } = [];

    /// <summary>W3C trace context the job carries to its spans and its worker (migration 011); null when it has none.</summary>
    public string? TraceParent { get; init; }
}
