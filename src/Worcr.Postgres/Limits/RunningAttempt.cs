namespace Worcr.Postgres;

/// <summary>
/// A running attempt of a job, with its lane's tenant, type and tags (limits on those hold it whenever it was
/// enqueued) and the limit keys stored with its lane.
/// </summary>
public sealed record RunningAttempt(long JobId, int Attempt, string Tenant, string Type, IReadOnlyList<string> Tags, IReadOnlyList<string> LimitKeys);
