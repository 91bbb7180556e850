using NCrontab;

namespace Worcr.Server.Maintenance;

/// <summary>
/// When a schedule fires: a cron expression read in the wall-clock time of an IANA zone, turned into UTC
/// instants. Pure (no I/O, no clock), so tests drive it with plain times. Around daylight-saving changes
/// (docs/cron.md): a local time that does not exist (spring forward) fires once at the instant the clocks jump;
/// a local time that happens twice (fall back) fires once, at its first occurrence.
/// </summary>
internal sealed class CronTiming
{
    // How far ahead to look for an occurrence before deciding that an expression (say, 30 February) never fires.
    private const int HorizonYears = 10;
    private readonly CrontabSchedule _schedule;

    private CronTiming(CrontabSchedule schedule, TimeZoneInfo zone)
    {
        _schedule = schedule;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses 5 fields (minute first) or 6 (second first); the error names the field that is wrong.</summary>
    public static CronTiming Parse(string expression, string timeZone) =>
        new(CronExpressionParser.Parse(expression), CronExpressionParser.FindZone(timeZone));

    /// <summary>The first tick strictly after <paramref name="after"/>; null when the expression never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var local = TimeZoneInfo.ConvertTime(after, Zone).DateTime;
        var end = local.AddYears(HorizonYears);
        for (var candidate = _schedule.GetNextOccurrence(local, end); candidate < end; candidate = _schedule.GetNextOccurrence(candidate, end))
        {
            // A tick can map to an instant not after 'after' only around a clock change (the repeated hour).
            var instant = ToUtc(candidate);
            if (instant > after) return instant;
        }
        return null;
    }

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

    private DateTimeOffset ToUtc(DateTime local)
    {
        if (Zone.IsInvalidTime(local)) return GapEnd(local);
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local - offset, DateTimeKind.Unspecified), TimeSpan.Zero);
    }

    /// <summary>The instant the clocks jumped over <paramref name="local"/>: one minute after the last valid minute before it.</summary>
    private DateTimeOffset GapEnd(DateTime local)
    {
        var minute = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified);
        for (var step = 0; step < 24 * 60 && Zone.IsInvalidTime(minute); step++) minute = minute.AddMinutes(-1);
        return ToUtc(minute).AddMinutes(1);
    }
}
