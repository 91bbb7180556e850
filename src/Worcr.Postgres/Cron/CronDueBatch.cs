namespace Worcr.Postgres;

/// <summary>Schedules due at <see cref="Now"/> (the database clock, so every node agrees on what is due).</summary>
public sealed record CronDueBatch(DateTimeOffset Now, IReadOnlyList<CronScheduleRecord> Due);
