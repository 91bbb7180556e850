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
        var (freeResults, withResults) = await PairedComparison.RunAsync(settings,
            new PairedComparison.Variant("rule-free", ruleFree.Parameters, ruleFree.RunOnceAsync),
            new PairedComparison.Variant($"{weightRules} weight rules", withRules.Parameters, withRules.RunOnceAsync), cancellationToken);
        Console.Out.WriteLine(Compare(withRules.Parameters, weightRules, [.. freeResults.Select(r => r[Figure])], [.. withResults.Select(r => r[Figure])]));
        return 0;
    }

    /// <summary>Which variant goes first in a run: true = with rules. Odd runs start rule-free, even runs with rules.</summary>
    public static bool[] Order(int run) => PairedComparison.Order(run);

    /// <summary>
    /// The comparison line: both medians, <c>ratio_with_rules</c> = median with rules / median rule-free, and the
    /// ratios of the runs paired by number (median, min, max) to show how far noise moves it.
    /// </summary>
    public static JsonLine Compare(JsonLine parameters, int weightRules, IReadOnlyList<double> ruleFree, IReadOnlyList<double> withRules)
    {
        var line = new JsonLine().Add("system", "worcr").Add("workload", "throughput_rules_comparison");
        foreach (var (name, value) in parameters.Fields.Where(field => field.Name is not ("system" or "workload" or "weight_rules"))) line.Add(name, value);
        return PairedComparison.AddRatio(line.Add("weight_rules", weightRules), Figure, "rule_free", ruleFree, "with_rules", withRules, "ratio_with_rules");
    }
}
