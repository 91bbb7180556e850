using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Everything known about one job, live or finished.</summary>
public sealed record JobRecord(
    long Id,
    string Tenant,
    string Type,
    IReadOnlyList<string> Tags,
    string ArgsJson,
    JobState State,
    int Attempt,
    int Failures,
    int MaxAttempts,
    double Weight,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset RunAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? FinishedAt,
    string? UniqueKey,
    string? LastError,
    string? ResultJson,
    string? WorkerId,
    string? NodeId,
    IReadOnlyDictionary<string, string> Checkpoints,
    IReadOnlyList<ProgressRecord> Progress);
