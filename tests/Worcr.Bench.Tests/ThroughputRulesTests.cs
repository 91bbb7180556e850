using Worcr.Cli.Bench;
using Worcr.Scripting;

namespace Worcr.Bench.Tests;

public sealed class ThroughputRulesTests
{
    private static readonly SandboxLimits Generous = new() { ScriptTimeBudget = TimeSpan.FromSeconds(10) };

    [Fact]
    public void Rules_folder_holds_the_asked_number_of_loadable_weight_rules_and_is_deleted_on_dispose()
    {
        string path;
        using (var folder = BenchRulesFolder.Create(3))
        {
            path = folder.Path;
            var rules = RuleFileLoader.LoadDirectory(folder.Path);
            Assert.Equal(3, rules.Count);
            Assert.All(rules, rule => Assert.Equal(RuleKind.Weight, rule.Kind));
        }
        Assert.False(Directory.Exists(path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Rules_folder_refuses_a_count_outside_one_to_five(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BenchRulesFolder.Create(count));

    [Fact]
    public void Five_rules_apply_to_bench_jobs_and_never_forbid_the_bench_worker()
    {
        using var folder = BenchRulesFolder.Create(BenchWeightRules.Max);
        using var book = BenchRuleBook.Build(RuleFileLoader.LoadDirectory(folder.Path), [], Generous);
        Assert.All(book.Rules, entry => Assert.Null(entry.Error));
        var worker = new WorkerFacts("bench-worker", BenchWeightRules.WorkerTags, [BenchNode.JobType]);
        var decisions = BenchWeightRules.AllJobTagSets
            .Select(tags => book.Weights.Evaluate(new JobFacts(BenchNode.JobType, "bench", tags, "{}", 0, DateTimeOffset.UnixEpoch), worker))
            .ToArray();
        Assert.All(decisions, decision => Assert.False(decision.Forbidden));
        Assert.All(decisions, decision => Assert.Empty(decision.Errors));
        // Every rule but the gpu guard changes the factor of at least one bench lane, so the rules do real work.
        var applied = decisions.SelectMany(decision => decision.Trace).Where(step => step.Factor != 1).Select(step => step.RuleName).ToHashSet();
        Assert.Equal(["bench-tenant", "premium-boost", "region-affinity", "vip-boost"], applied.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Tagged_bench_jobs_carry_the_rule_tags_and_untagged_ones_none()
    {
        Assert.Equal(["premium", "region:eu"], BenchJobs.Spec(0, tagged: true).Tags);
        Assert.Equal(["vip"], BenchJobs.Spec(2, tagged: true).Tags);
        Assert.Empty(BenchJobs.Spec(0, tagged: false).Tags);
    }

    [Fact]
    public void Worker_tags_option_splits_on_commas_and_empty_means_none()
    {
        Assert.Equal(["premium", "region:eu"], BenchWorkerSettings.ParseTags("premium, region:eu"));
        Assert.Empty(BenchWorkerSettings.ParseTags(""));
        Assert.Empty(BenchWorkerSettings.ParseTags(null));
    }

    [Fact]
    public void Comparison_alternates_which_variant_runs_first()
    {
        Assert.Equal([false, true], RuleFreeComparison.Order(1));
        Assert.Equal([true, false], RuleFreeComparison.Order(2));
        Assert.Equal([false, true], RuleFreeComparison.Order(3));
    }

    [Fact]
    public void Ratio_with_rules_is_the_median_with_rules_over_the_median_rule_free()
    {
        var parameters = new JsonLine().Add("system", "worcr").Add("workload", "throughput").Add("jobs", 100).Add("weight_rules", 5);
        var line = RuleFreeComparison.Compare(parameters, 5, ruleFree: [1000, 800, 1200], withRules: [900, 950, 600]).ToString();
        Assert.Contains("\"workload\":\"throughput_rules_comparison\"", line, StringComparison.Ordinal);
        Assert.Contains("\"ratio_with_rules\":0.9,", line, StringComparison.Ordinal);
        Assert.Contains("\"ratio_per_run\":{\"median\":0.9,\"min\":0.5,\"max\":1.188}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Comparison_refuses_unpaired_runs() =>
        Assert.Throws<ArgumentException>(() => RuleFreeComparison.Compare(new JsonLine(), 5, [1, 2], [1]));
}
