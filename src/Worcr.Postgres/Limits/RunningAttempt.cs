namespace Worcr.Postgres;

/// <summary>A running attempt of a job and the limit keys of its lane.</summary>
public sealed record RunningAttempt(long JobId, int Attempt, IReadOnlyList<string> LimitKeys);
