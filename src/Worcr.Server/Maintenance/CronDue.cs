namespace Worcr.Server.Maintenance;

/// <summary>The tick to fire now, and the next one after it (null: never again).</summary>
internal readonly record struct CronDue(DateTimeOffset Tick, DateTimeOffset? Next);
