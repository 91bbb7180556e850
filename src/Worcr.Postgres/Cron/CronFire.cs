namespace Worcr.Postgres;

/// <summary>
/// One tick to fire: the schedule, the next_fire_at value the caller read (the compare-and-set guard), the tick
/// being fired, and where next_fire_at moves to (null: never again).
/// </summary>
public sealed record CronFire(CronScheduleRecord Schedule, DateTimeOffset ExpectedNextFireAt, DateTimeOffset Tick, DateTimeOffset? NextFireAt, string NodeId)
{
    /// <summary>What every cron job's unique key starts with; producers may not use it (the enqueue check refuses it).</summary>
    public const string UniqueKeyPrefix = "cron:";

    /// <summary>The enqueued job's unique key: one job per schedule and tick, whoever fires it.</summary>
    public string UniqueKey => $"{UniqueKeyPrefix}{Schedule.Name}:{Tick.ToUnixTimeSeconds()}";
}
