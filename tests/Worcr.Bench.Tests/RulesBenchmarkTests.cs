using Worcr.Cli.Bench;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Scripting;

namespace Worcr.Bench.Tests;

public sealed class RulesBenchmarkTests
{
    private static readonly SandboxLimits Generous = new() { ScriptTimeBudget = TimeSpan.FromSeconds(10) };

    [Fact]
    public void Corpus_compiles_into_ten_weight_rules_four_lua_three_javascript_three_tag_matches()
    {
        using var book = RuleBenchCorpus.Build(Generous);
        var languages = book.Rules.GroupBy(entry => entry.Language).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(10, book.Weights.Rules.Count);
        Assert.All(book.Rules, entry => Assert.Null(entry.Error));
        Assert.Equal((4, 3, 3), (languages["lua"], languages["javascript"], languages["tag_match"]));
    }

    [Fact]
    public void Corpus_lua_rules_avoid_pattern_functions_whose_work_the_instruction_budget_does_not_count()
    {
        // PITFALLS: string.find with a pathological pattern ran for seconds under a 10 k instruction budget.
        var lua = RuleBenchCorpus.Scripts.Where(rule => rule.Language == RuleLanguage.Lua).Select(rule => rule.Code);
        Assert.All(lua, code => Assert.DoesNotMatch(@"\b(find|match|gmatch|gsub)\b", code));
    }

    [Fact]
    public void There_are_one_hundred_distinct_job_signatures_and_twenty_distinct_worker_signatures()
    {
        var lanes = RuleBenchSignatures.Lanes();
        var workers = RuleBenchSignatures.Workers();
        Assert.Equal(100, lanes.Select(lane => (lane.Tenant, lane.Type, string.Join(',', lane.Tags))).Distinct().Count());
        Assert.Equal(100, lanes.Select(lane => lane.Id).Distinct().Count());
        Assert.Equal(20, workers.Select(worker => worker.Signature).Distinct().Count());
    }

    [Fact]
    public void Corpus_forbids_some_pairs_and_weighs_the_others_differently()
    {
        using var book = RuleBenchCorpus.Build(Generous);
        var pairs = RulePairs.Of(RuleBenchSignatures.Lanes(), RuleBenchSignatures.Workers());
        var multipliers = Enumerable.Range(0, pairs.Count).Select(i => book.Weights.Evaluate(pairs.JobFactsAt(i), pairs.WorkerFactsAt(i))).ToArray();
        Assert.All(multipliers, decision => Assert.Empty(decision.Errors));
        Assert.Contains(multipliers, decision => decision.Forbidden);
        Assert.True(multipliers.Where(decision => !decision.Forbidden).Select(decision => decision.Multiplier).Distinct().Count() >= 5);
    }

    [Fact]
    public void Round_robin_counter_visits_every_lane_and_worker_pair_exactly_once_per_cycle()
    {
        var pairs = RulePairs.Of(RuleBenchSignatures.Lanes(), RuleBenchSignatures.Workers());
        var visited = Enumerable.Range(0, pairs.Count).Select(i => (pairs.LaneAt(i).Id, pairs.WorkerAt(i).WorkerId)).ToHashSet();
        Assert.Equal(2_000, visited.Count);
        Assert.Equal(pairs.LaneAt(0), pairs.LaneAt(pairs.Count));
    }

    [Fact]
    public void Selector_finds_a_lane_for_every_bench_worker_so_picks_are_real_picks()
    {
        using var book = RuleBenchCorpus.Build(Generous);
        var oracle = book.CachedOracle(error => Assert.Fail(error));
        var selector = new WeightedLaneSelector(oracle, TimeSpan.FromMinutes(5));
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var lanes = RuleBenchSignatures.Lanes().Select(lane => new LaneState(lane, 10, now)).ToArray();
        Assert.All(RuleBenchSignatures.Workers(), worker => Assert.NotNull(selector.Select(lanes, worker, now)));
    }

    [Fact]
    public void Call_rate_calls_the_step_in_whole_chunks_with_a_running_counter()
    {
        var seen = new List<long>();
        var rate = CallRate.Measure(seen.Add, TimeSpan.FromMilliseconds(5));
        Assert.True(rate > 0);
        Assert.True(seen.Count > 0 && seen.Count % 256 == 0, $"{seen.Count} calls");
        Assert.Equal(Enumerable.Range(0, seen.Count).Select(i => (long)i), seen);
    }

    [Fact]
    public void Call_rate_refuses_a_duration_of_zero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CallRate.Measure(_ => { }, TimeSpan.Zero));
}
