using Worcr.Server.Maintenance;

namespace Worcr.Server.Tests.Maintenance;

/// <summary>The pure next-tick function (Cronos underneath): time zones, daylight-saving changes, seconds, catch-up, errors. No I/O.</summary>
public sealed class CronTimingTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static List<DateTimeOffset> Ticks(CronTiming timing, DateTimeOffset after, int count)
    {
        var ticks = new List<DateTimeOffset>();
        for (var tick = timing.NextAfter(after); tick is { } value && ticks.Count < count; tick = timing.NextAfter(value)) ticks.Add(value);
        return ticks;
    }

    [Fact]
    public void Nine_oclock_in_Paris_is_eight_utc_in_winter_and_seven_in_summer()
    {
        var timing = CronTiming.Parse("0 9 * * *", "Europe/Paris");

        Assert.Equal(Utc("2024-01-15T08:00:00"), timing.NextAfter(Utc("2024-01-15T00:00:00")));
        Assert.Equal(Utc("2024-07-15T07:00:00"), timing.NextAfter(Utc("2024-07-15T00:00:00")));
    }

    [Fact]
    public void IANA_time_zones_resolve_although_globalization_is_invariant()
    {
        // The node runs with InvariantGlobalization; zones still come from the system's tzdata.
        Assert.True(AppContext.TryGetSwitch("System.Globalization.Invariant", out var invariant) && invariant);

        var timing = CronTiming.Parse("0 9 * * *", "Asia/Kolkata");

        Assert.Equal("Asia/Kolkata", timing.Zone.Id);
        Assert.Equal(Utc("2024-01-15T03:30:00"), timing.NextAfter(Utc("2024-01-15T00:00:00")));
    }

    [Fact]
    public void A_local_time_skipped_by_spring_forward_fires_once_when_the_clocks_jump()
    {
        // New York, 10 March 2024: 02:00 EST becomes 03:00 EDT (07:00 UTC); 02:30 never happens that day.
        var timing = CronTiming.Parse("30 2 * * *", "America/New_York");

        var onTheDay = timing.NextAfter(Utc("2024-03-10T05:00:00"));
        var dayAfter = timing.NextAfter(onTheDay!.Value);

        Assert.Equal(Utc("2024-03-10T07:00:00"), onTheDay);
        Assert.Equal(Utc("2024-03-11T06:30:00"), dayAfter);
    }

    [Fact]
    public void A_local_time_repeated_by_fall_back_fires_once_at_its_first_occurrence()
    {
        // New York, 3 November 2024: 01:00-02:00 happens twice (EDT, then EST); 01:30 EDT is 05:30 UTC.
        var timing = CronTiming.Parse("30 1 * * *", "America/New_York");

        var first = timing.NextAfter(Utc("2024-11-03T04:00:00"));
        var next = timing.NextAfter(first!.Value);

        Assert.Equal(Utc("2024-11-03T05:30:00"), first);
        Assert.Equal(Utc("2024-11-04T06:30:00"), next);
    }

    [Fact]
    public void An_interval_fires_in_both_passes_of_the_repeated_fall_back_hour()
    {
        // New York, 3 November 2024: 01:00-02:00 happens twice. Cronos counts an interval (*/30) in wall-clock
        // minutes of each pass, so 01:00 and 01:30 fire in daylight time (05:00, 05:30 UTC) and again in standard
        // time (06:00, 06:30 UTC): every 30 minutes of real time, none skipped, none doubled.
        var timing = CronTiming.Parse("*/30 * * * *", "America/New_York");

        var ticks = Ticks(timing, Utc("2024-11-03T04:45:00"), 5);

        Assert.Equal([Utc("2024-11-03T05:00:00"), Utc("2024-11-03T05:30:00"), Utc("2024-11-03T06:00:00"), Utc("2024-11-03T06:30:00"), Utc("2024-11-03T07:00:00")], ticks);
    }

    [Fact]
    public void An_interval_fires_once_when_the_clocks_jump_over_the_spring_forward_gap()
    {
        // New York, 10 March 2024: 02:00 EST becomes 03:00 EDT at 07:00 UTC. 02:00 and 02:30 do not exist; the
        // schedule fires at the jump (03:00 EDT) once, then goes on every 30 minutes.
        var timing = CronTiming.Parse("*/30 * * * *", "America/New_York");

        var ticks = Ticks(timing, Utc("2024-03-10T06:15:00"), 3);

        Assert.Equal([Utc("2024-03-10T06:30:00"), Utc("2024-03-10T07:00:00"), Utc("2024-03-10T07:30:00")], ticks);
    }

    [Fact]
    public void Missed_ticks_across_the_repeated_fall_back_hour_collapse_into_the_latest_one()
    {
        var timing = CronTiming.Parse("*/30 * * * *", "America/New_York");

        var due = timing.LatestDue(Utc("2024-11-03T05:00:00"), Utc("2024-11-03T06:45:00"));

        Assert.Equal(Utc("2024-11-03T06:30:00"), due!.Value.Tick);
        Assert.Equal(Utc("2024-11-03T07:00:00"), due.Value.Next);
    }

    [Fact]
    public void Six_fields_put_seconds_first()
    {
        var timing = CronTiming.Parse("*/15 * * * * *", "UTC");

        Assert.Equal(Utc("2024-05-01T12:00:15"), timing.NextAfter(Utc("2024-05-01T12:00:07")));
    }

    [Fact]
    public void Missed_ticks_collapse_into_the_latest_one()
    {
        var timing = CronTiming.Parse("* * * * *", "UTC");

        var due = timing.LatestDue(Utc("2024-05-01T10:00:00"), Utc("2024-05-01T10:05:30"));

        Assert.Equal(Utc("2024-05-01T10:05:00"), due!.Value.Tick);
        Assert.Equal(Utc("2024-05-01T10:06:00"), due.Value.Next);
    }

    [Fact]
    public void Missed_ticks_of_a_yearly_schedule_collapse_into_the_latest_one()
    {
        var timing = CronTiming.Parse("0 0 1 1 *", "UTC");

        var due = timing.LatestDue(Utc("2021-01-01T00:00:00"), Utc("2024-06-01T00:00:00"));

        Assert.Equal(Utc("2024-01-01T00:00:00"), due!.Value.Tick);
        Assert.Equal(Utc("2025-01-01T00:00:00"), due.Value.Next);
    }

    [Fact]
    public void A_tick_that_has_not_come_is_not_due()
    {
        var timing = CronTiming.Parse("* * * * * *", "UTC");

        Assert.Null(timing.LatestDue(Utc("2024-05-01T10:00:01"), Utc("2024-05-01T10:00:00")));
    }

    [Fact]
    public void An_expression_that_never_matches_has_no_next_tick()
    {
        Assert.Null(CronTiming.Parse("0 0 30 2 *", "UTC").NextAfter(Utc("2024-01-01T00:00:00")));
    }

    [Fact]
    public void A_macro_stands_for_its_expression()
    {
        var timing = CronTiming.Parse("@daily", "Europe/Paris");

        Assert.Equal(Utc("2024-01-15T23:00:00"), timing.NextAfter(Utc("2024-01-15T12:00:00")));
    }

    [Theory]
    [InlineData("61 * * * *", "expression", "minute")]
    [InlineData("* 24 * * *", "expression", "hour")]
    [InlineData("60 * * * * *", "expression", "second")]
    [InlineData("* * * * * * *", "expression", "7")]
    [InlineData("H * * * *", "expression", "'H'")]
    [InlineData("@fortnightly", "expression", "macro")]
    [InlineData("* * * *", "expression", "5")]
    [InlineData("* * 32 * *", "expression", "day")]
    public void A_bad_expression_names_the_field(string expression, string field, string mentioned)
    {
        var error = Assert.Throws<CronDefinitionException>(() => CronTiming.Parse(expression, "UTC"));

        Assert.Equal(field, error.Field);
        Assert.Contains(mentioned, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_bad_expression_error_quotes_the_expression_and_says_what_is_wrong_once()
    {
        var error = Assert.Throws<CronDefinitionException>(() => CronTiming.Parse("61 * * * *", "UTC"));

        Assert.Equal("Field 'expression': '61 * * * *' is not a valid cron expression: Minutes: Value must be a number between 0 and 59 (all inclusive).", error.Message);
    }

    [Fact]
    public void An_unknown_time_zone_names_the_time_zone_field()
    {
        var error = Assert.Throws<CronDefinitionException>(() => CronTiming.Parse("* * * * *", "Mars/Olympus_Mons"));

        Assert.Equal("time_zone", error.Field);
    }
}
