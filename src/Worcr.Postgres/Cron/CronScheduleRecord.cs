namespace Worcr.Postgres;

/// <summary>A stored schedule with its firing state.</summary>
/// <param name="NextFireAt">The next tick to fire (UTC); null when disabled or when the expression never fires again.</param>
/// <param name="LastTickAt">The tick the last fire was for (may be earlier than <paramref name="LastFiredAt"/> after a catch-up).</param>
/// <param name="Failures">Fires that failed in a row since the last fire or save (0 when the last one fired).</param>
/// <param name="LastError">Why the last of those failed.</param>
/// <param name="RetryAt">Until when the leader skips the schedule after them.</param>
public sealed record CronScheduleRecord(
    CronScheduleDefinition Definition,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? LastFiredAt,
    DateTimeOffset? LastTickAt,
    long? LastJobId,
    string? LastFiredBy,
    DateTimeOffset UpdatedAt,
    int Failures = 0,
    string? LastError = null,
    DateTimeOffset? RetryAt = null)
{
    public string Name => Definition.Name;
}
