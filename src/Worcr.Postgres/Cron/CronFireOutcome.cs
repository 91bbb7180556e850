namespace Worcr.Postgres;

/// <summary>
/// Fired: this call advanced next_fire_at and enqueued (or found) the tick's job. Not fired: another node moved
/// next_fire_at first (or the schedule changed or went away), and nothing was written.
/// </summary>
public sealed record CronFireOutcome(bool Fired, long? JobId)
{
    public static CronFireOutcome Lost { get; } = new(false, null);
}
