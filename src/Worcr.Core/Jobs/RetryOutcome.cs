namespace Worcr.Core.Jobs;

/// <summary>
/// What a manual retry did: Retried when the job moved back to waiting (Tenant and Attempt are then the job's, for
/// its live event); otherwise State is where the job still is.
/// </summary>
public sealed record RetryOutcome(bool Retried, JobState State, string Tenant = "", int Attempt = 0);
