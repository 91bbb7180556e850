namespace Worcr.Cli.Bench;

/// <summary>
/// `bench throughput --weight-rules N --compare-rule-free`: the throughput workload with N weight rules and
/// without rules, alternately in one invocation (same services, same tagged jobs), so machine noise hits both
/// alike; the order flips every run so neither always runs on a warmer machine. Prints each run's line, a
/// summary per variant and the comparison line with <c>ratio_with_rules</c>.
/// </summary>
internal sealed class RuleFreeComparison(ThroughputBenchmark withRules, ThroughputBenchmark ruleFree, int weightRules)
{
    public const string Figure = "process_jobs_per_s";

    public async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Runs < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Runs, "--runs must be at least 1.");
        Console.Error.WriteLine("bench: starting PostgreSQL (fsync on) and Redis...");
        await using var services = await BenchServices.StartAsync(settings, cancellationToken);
        var withResults = new List<IReadOnlyDictionary<string, double>>();
        var freeResults = new List<IReadOnlyDictionary<string, double>>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            foreach (var rulesFirst in Order(run))
            {
                var (benchmark, results) = rulesFirst ? (withRules, withResults) : (ruleFree, freeResults);
                Console.Error.WriteLine($"bench: run {run} of {settings.Runs}, {(rulesFirst ? $"{weightRules} weight rules" : "rule-free")}...");
                var figures = await benchmark.RunOnceAsync(services, cancellationToken);
                results.Add(figures);
                Console.Out.WriteLine(BenchRunner.RunLine(benchmark.Parameters, run, figures));
            }
        }
        if (settings.Runs > 1)
        {
            Console.Out.WriteLine(RunSummary.Summarise(ruleFree.Parameters, freeResults));
            Console.Out.WriteLine(RunSummary.Summarise(withRules.Parameters, withResults));
        }
        Console.Out.WriteLine(Compare(withRules.Parameters, weightRules, [.. freeResults.Select(r => r[Figure])], [.. withResults.Select(r => r[Figure])]));
        return 0;
    }

    /// <summary>Which variant goes first in a run: true = with rules. Odd runs start rule-free, even runs with rules.</summary>
    public static bool[] Order(int run) => run % 2 == 1 ? [false, true] : [true, false];

    /// <summary>
    /// The comparison line: both medians, <c>ratio_with_rules</c> = median with rules / median rule-free, and the
    /// ratios of the runs paired by number (median, min, max) to show how far noise moves it.
    /// </summary>
    public static JsonLine Compare(JsonLine parameters, int weightRules, IReadOnlyList<double> ruleFree, IReadOnlyList<double> withRules)
    {
        if (ruleFree.Count == 0 || ruleFree.Count != withRules.Count) throw new ArgumentException("Needs the same positive number of runs of each variant.");
        var line = new JsonLine().Add("system", "worcr").Add("workload", "throughput_rules_comparison");
        foreach (var (name, value) in parameters.Fields.Where(field => field.Name is not ("system" or "workload" or "weight_rules"))) line.Add(name, value);
        var pairs = ruleFree.Zip(withRules, (free, with) => with / free).ToArray();
        var freeMedian = Stats.Median(ruleFree);
        var withMedian = Stats.Median(withRules);
        return line.Add("weight_rules", weightRules).Add("runs", ruleFree.Count)
            .Add(Figure + "_rule_free", freeMedian).Add(Figure + "_with_rules", withMedian)
            .Add("ratio_with_rules", withMedian / freeMedian)
            .Add("ratio_per_run", new JsonLine().Add("median", Stats.Median(pairs)).Add("min", pairs.Min()).Add("max", pairs.Max()));
    }
}
