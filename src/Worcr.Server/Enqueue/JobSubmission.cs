namespace Worcr.Server.Enqueue;

/// <summary>
/// A job as a producer asked for it, already checked field by field by the transport; the enqueue policy turns it
/// into the job that is stored. Zero weight or max attempts mean "not given".
/// </summary>
/// <param name="Field">How the caller names this job in error messages ("job", "jobs[3]").</param>
internal sealed record JobSubmission(
    string Field,
    string Tenant,
    string Type,
    IReadOnlyList<string> Tags,
    string ArgsJson,
    double Weight,
    int MaxAttempts,
    DateTimeOffset? RunAt,
    DateTimeOffset? ExpiresAt,
    string? UniqueKey,
    TimeSpan? UniqueWindow,
    string TraceParent);
