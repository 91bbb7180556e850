namespace Worcr.Postgres;

/// <summary>The job a cron schedule enqueues at each tick. <paramref name="ArgsJson"/> is a JSON value.</summary>
public sealed record CronJobTemplate(
    string Type,
    string Tenant,
    IReadOnlyList<string> Tags,
    string ArgsJson,
    double Weight,
    int MaxAttempts);
