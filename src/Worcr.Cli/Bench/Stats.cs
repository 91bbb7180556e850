namespace Worcr.Cli.Bench;

/// <summary>Percentiles and medians as the benchmarks report them.</summary>
internal static class Stats
{
    /// <summary>Nearest-rank percentile: the smallest value with at least <paramref name="percent"/>% of values at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sortedValues, double percent)
    {
        if (sortedValues.Count == 0) throw new ArgumentException("No values to take a percentile of.", nameof(sortedValues));
        if (percent is <= 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "Must be in (0, 100].");
        var rank = (int)Math.Ceiling(percent / 100 * sortedValues.Count);
        return sortedValues[Math.Clamp(rank, 1, sortedValues.Count) - 1];
    }

    /// <summary>The middle value; the mean of the two middle ones for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No values to take a median of.", nameof(values));
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
