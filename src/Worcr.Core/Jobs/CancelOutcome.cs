namespace Worcr.Core.Jobs;

/// <summary>
/// What a cancel did. When the job was running, WorkerId/NodeId/Attempt say which run must be told to stop;
/// when it was already finished, Cancelled is false and State is its final state. Tenant is the job's ("" when not found).
/// </summary>
public sealed record CancelOutcome(bool Found, bool Cancelled, JobState State, string? WorkerId, string? NodeId, int Attempt, string Tenant = "", string Type = "");
