using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>One job as a list shows it, live or finished, with its progress counters.</summary>
public sealed record JobSummaryRecord(
    long Id,
    string Tenant,
    string Type,
    IReadOnlyList<string> Tags,
    JobState State,
    int Attempt,
    int MaxAttempts,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset RunAt,
    DateTimeOffset? FinishedAt,
    string? WorkerId,
    string? LastError)
{
    public IReadOnlyList<ProgressRecord> Progress { get; init; } = [];
}
