namespace Worcr.Postgres;

/// <summary>What an operator defines for a schedule (through the API or rules/schedules.json).</summary>
/// <param name="Expression">Cron expression: 5 fields, or 6 with seconds first.</param>
/// <param name="TimeZone">IANA time zone the expression is read in.</param>
/// <param name="Origin">"api" or "file".</param>
public sealed record CronScheduleDefinition(
    string Name,
    string Expression,
    string TimeZone,
    CronJobTemplate Job,
    bool Enabled,
    string Origin);
