namespace Worcr.Postgres;

/// <summary>A stored schedule with its firing state.</summary>
/// <param name="NextFireAt">The next tick to fire (UTC); null when disabled or when the expression never fires again.</param>
/// <param name="LastTickAt">The tick the last fire was for (may be earlier than <paramref name="LastFiredAt"/> after a catch-up).</param>
public sealed record CronScheduleRecord(
    CronScheduleDefinition Definition,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? LastFiredAt,
    DateTimeOffset? LastTickAt,
    long? LastJobId,
    string? LastFiredBy,
    DateTimeOffset UpdatedAt)
{
    public string Name => Definition.Name;
}
