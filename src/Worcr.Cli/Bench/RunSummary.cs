namespace Worcr.Cli.Bench;

/// <summary>
/// The closing line of a benchmark: its parameters, then for every figure the median with min and max over the
/// runs (the machines are noisy, so one run says little).
/// </summary>
internal static class RunSummary
{
    public static JsonLine Summarise(JsonLine parameters, IReadOnlyList<IReadOnlyDictionary<string, double>> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("No runs to summarise.", nameof(runs));
        var line = new JsonLine();
        foreach (var (name, value) in parameters.Fields) line.Add(name, value);
        line.Add("summary", "median_min_max").Add("runs", runs.Count);
        foreach (var figure in runs[0].Keys)
        {
            var values = runs.Select(run => run[figure]).ToArray();
            line.Add(figure, new JsonLine().Add("median", Stats.Median(values)).Add("min", values.Min()).Add("max", values.Max()));
        }
        return line;
    }
}
