namespace Worcr.Server.JobTypes;

/// <summary>One row of job_types: a known type, since when, and its settings.</summary>
internal sealed record JobTypeRow(string Name, DateTimeOffset RegisteredAt, JobTypeSettings Settings);
