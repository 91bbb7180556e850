using System.Globalization;

namespace Worcr.Server.Tests.Telemetry;

/// <summary>Reads sample values out of a Prometheus text exposition.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The value of the sample of <paramref name="metric"/> whose labels include every given name="value" pair;
    /// 0 when there is none yet (a counter appears with its first increment).
    /// </summary>
    public static double Value(string text, string metric, params (string Name, string Value)[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) && !line.StartsWith(metric + " ", StringComparison.Ordinal)) continue;
            if (!labels.All(l => line.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            var afterLabels = line.LastIndexOf('}') is var close and >= 0 ? line[(close + 1)..] : line[metric.Length..];
            return double.Parse(afterLabels.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
