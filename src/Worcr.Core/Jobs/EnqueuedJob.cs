namespace Worcr.Core.Jobs;

/// <summary>Result of enqueueing one job: its id, or the id of the job it duplicates.</summary>
public sealed record EnqueuedJob(long Id, bool Duplicate, JobState State);
