using Cronos;

namespace Worcr.Server.Maintenance;

/// <summary>
/// When a schedule fires: a cron expression read in the wall-clock time of an IANA zone, turned into UTC
/// instants by Cronos. Pure (no I/O, no clock), so tests drive it with plain times. Around daylight-saving
/// changes (docs/cron.md), Cronos' rules hold: a local time that does not exist (spring forward) fires once at the
/// instant the clocks jump; in the repeated hour (fall back) a fixed time (<c>30 1 * * *</c>) fires once, at its
/// first occurrence, while an interval (a <c>*</c>, <c>-</c> or <c>/</c> in the second, minute or hour field) fires in
/// both passes.
/// </summary>
internal sealed class CronTiming
{
    private readonly CronExpression _expression;

    private CronTiming(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses 5 fields (minute first), 6 (second first) or a macro; the error names the field that is wrong.</summary>
    public static CronTiming Parse(string expression, string timeZone) =>
        new(CronExpressionParser.Parse(expression), CronExpressionParser.FindZone(timeZone));

    /// <summary>The first tick strictly after <paramref name="after"/>, in UTC; null when the expression never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after, Zone)?.ToUniversalTime();

    /// <summary>
    /// The tick to fire when next_fire_at has come: the latest tick in [nextFireAt, now] (missed ticks collapse
    /// into this one), and the tick after it, which is after now. Null when nothing is due.
    /// </summary>
    public CronDue? LatestDue(DateTimeOffset nextFireAt, DateTimeOffset now)
    {
        if (nextFireAt > now) return null;
        var earliest = nextFireAt.AddMilliseconds(-1);
        // Search back from now in growing windows, so a long outage of a dense schedule costs a few steps, not one per missed tick.
        foreach (var window in SearchWindows)
        {
            var from = window is { } w && now - w > earliest ? now - w : earliest;
            if (NextAfter(from) is not { } first || first > now) continue;
            return WalkToLatest(first, now);
        }
        return new CronDue(nextFireAt, NextAfter(now));
    }

    private static readonly TimeSpan?[] SearchWindows =
        [TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(366), null];

    private CronDue WalkToLatest(DateTimeOffset tick, DateTimeOffset now)
    {
        while (true)
        {
            var next = NextAfter(tick);
            if (next is null || next > now) return new CronDue(tick, next);
            tick = next.Value;
        }
    }
}
