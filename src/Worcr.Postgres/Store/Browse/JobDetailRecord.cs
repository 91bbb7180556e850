namespace Worcr.Postgres;

/// <summary>Everything the job page shows: the summary, the stored fields, checkpoints and the newest log lines.</summary>
public sealed record JobDetailRecord(
    JobSummaryRecord Summary,
    string ArgsJson,
    string? ResultJson,
    DateTimeOffset? ExpiresAt,
    string? UniqueKey,
    int Failures,
    string? NodeId,
    IReadOnlyList<JobCheckpointRecord> Checkpoints,
    IReadOnlyList<JobLogLine> Logs,
    long LogsDropped);
