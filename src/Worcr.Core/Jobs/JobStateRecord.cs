namespace Worcr.Core.Jobs;

/// <summary>A job's state as one statement left it (or as read now): enough to tell a watcher what happened.</summary>
/// <param name="Type">The job's type where the statement returns it (maintenance and release do, for metrics), else "".</param>
public sealed record JobStateRecord(long Id, string Tenant, JobState State, int Attempt, string? LastError, string Type = "");
