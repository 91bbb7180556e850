using System.Globalization;

namespace Worcr.Server.Limits;

/// <summary>Periods as people write them: a whole number and a unit, ms, s, m or h ("100ms", "1s", "15m").</summary>
internal static class LimitPeriod
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
        [("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)), ("h", TimeSpan.FromHours(1))];

    /// <summary>The period, or null when <paramref name="text"/> is not one (or is longer than any TimeSpan).</summary>
    public static TimeSpan? Parse(string text)
    {
        foreach (var (unit, size) in Units)
        {
            if (!text.EndsWith(unit, StringComparison.Ordinal)) continue;
            var number = text[..^unit.Length];
            // "ms" also ends in "s": let the longer unit win by trying it first and refusing a trailing 'm' here.
            if (unit == "s" && number.EndsWith('m')) continue;
            // A count whose period no TimeSpan holds ("9999999999999h") made `size * count` throw OverflowException.
            return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 && count <= TimeSpan.MaxValue.Ticks / size.Ticks
                ? size * count
                : null;
        }
        return null;
    }

    public static string Format(TimeSpan period) => period switch
    {
        _ when period.TotalHours >= 1 && period.Ticks % TimeSpan.TicksPerHour == 0 => $"{(long)period.TotalHours}h",
        _ when period.TotalMinutes >= 1 && period.Ticks % TimeSpan.TicksPerMinute == 0 => $"{(long)period.TotalMinutes}m",
        _ when period.TotalSeconds >= 1 && period.Ticks % TimeSpan.TicksPerSecond == 0 => $"{(long)period.TotalSeconds}s",
        _ => $"{(long)period.TotalMilliseconds}ms",
    };
}
