namespace Worcr.Cli.Bench;

/// <summary>
/// Two variants of a workload run alternately in one invocation (same services), so machine noise hits both alike;
/// the order flips every run so neither always runs on a warmer machine: odd runs start with the baseline. Prints
/// each run's line and, with several runs, a summary per variant; returns every run's figures of both.
/// </summary>
internal static class PairedComparison
{
    public sealed record Variant(string Label, JsonLine Parameters, BenchRunner.RunOnce RunOnce);

    /// <summary>Which variant goes first in a run: true = the variant, false = the baseline.</summary>
    public static bool[] Order(int run) => run % 2 == 1 ? [false, true] : [true, false];

    public static async Task<(List<IReadOnlyDictionary<string, double>> Baseline, List<IReadOnlyDictionary<string, double>> Variant)> RunAsync(
        BenchSettings settings, Variant baseline, Variant variant, CancellationToken cancellationToken)
    {
        if (settings.Runs < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Runs, "--runs must be at least 1.");
        Console.Error.WriteLine("bench: starting PostgreSQL (fsync on) and Redis...");
        await using var services = await BenchServices.StartAsync(settings, cancellationToken);
        var baselineResults = new List<IReadOnlyDictionary<string, double>>();
        var variantResults = new List<IReadOnlyDictionary<string, double>>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            foreach (var variantFirst in Order(run))
            {
                var (chosen, results) = variantFirst ? (variant, variantResults) : (baseline, baselineResults);
                Console.Error.WriteLine($"bench: run {run} of {settings.Runs}, {chosen.Label}...");
                var figures = await chosen.RunOnce(services, cancellationToken);
                results.Add(figures);
                Console.Out.WriteLine(BenchRunner.RunLine(chosen.Parameters, run, figures));
            }
        }
        if (settings.Runs > 1)
        {
            Console.Out.WriteLine(RunSummary.Summarise(baseline.Parameters, baselineResults));
            Console.Out.WriteLine(RunSummary.Summarise(variant.Parameters, variantResults));
        }
        return (baselineResults, variantResults);
    }

    /// <summary>
    /// Adds both medians of <paramref name="figure"/> (suffixed with the variants' names), <paramref name="ratioName"/>
    /// = median of the variant / median of the baseline, and the ratios of the runs paired by number (median, min,
    /// max) to show how far noise moves it.
    /// </summary>
    public static JsonLine AddRatio(JsonLine line, string figure, string baselineSuffix, IReadOnlyList<double> baseline,
        string variantSuffix, IReadOnlyList<double> variant, string ratioName)
    {
        if (baseline.Count == 0 || baseline.Count != variant.Count) throw new ArgumentException("Needs the same positive number of runs of each variant.");
        var pairs = baseline.Zip(variant, (b, v) => v / b).ToArray();
        var baselineMedian = Stats.Median(baseline);
        var variantMedian = Stats.Median(variant);
        return line.Add("runs", baseline.Count)
            .Add(figure + "_" + baselineSuffix, baselineMedian).Add(figure + "_" + variantSuffix, variantMedian)
            .Add(ratioName, variantMedian / baselineMedian)
            .Add("ratio_per_run", new JsonLine().Add("median", Stats.Median(pairs)).Add("min", pairs.Min()).Add("max", pairs.Max()));
    }
}
