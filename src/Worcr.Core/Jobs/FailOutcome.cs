namespace Worcr.Core.Jobs;

/// <summary>What a failure did: Failed with RetryAt, Dead, or not accepted (stale attempt) with the job's current state.</summary>
public sealed record FailOutcome(bool Accepted, JobState State, DateTimeOffset? RetryAt);
