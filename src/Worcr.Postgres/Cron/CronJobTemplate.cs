namespace Worcr.Postgres;

/// <summary>The job a cron schedule enqueues at each tick. <paramref name="ArgsJson"/> is a JSON value.</summary>
/// <param name="MaxAttempts">Null when the schedule does not set it: each fire then resolves it as a producer's enqueue of
/// a job without one does (the job type's setting, else the node's default).</param>
public sealed record CronJobTemplate(
    string Type,
    string Tenant,
    IReadOnlyList<string> Tags,
    string ArgsJson,
    double Weight,
    int? MaxAttempts);
