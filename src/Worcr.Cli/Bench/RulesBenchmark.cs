using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Scripting;

namespace Worcr.Cli.Bench;

/// <summary>
/// BENCH.md workload 5, in process (no servers): effective-weight decisions for the 10 corpus rules over 100 job
/// signatures × 20 worker signatures, with the node's cache (the server's RuleWeightOracle) and without it
/// (<see cref="WeightEvaluator"/> directly); raw Lua and JavaScript calls of the corpus rules; and the weighted
/// lane selector picking among the 100 lanes. The run's seconds are shared among the five figures.
/// </summary>
internal sealed class RulesBenchmark(TimeSpan duration)
{
    /// <summary>Generous: on a busy machine a first JavaScript call (code generation, JIT) can pass the default 100 ms.</summary>
    private static readonly SandboxLimits Limits = new() { ScriptTimeBudget = TimeSpan.FromSeconds(10) };
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddDays(1);
    private static readonly TimeSpan CachedWarmup = TimeSpan.FromSeconds(1);

    public JsonLine Parameters => new JsonLine().Add("system", "worcr").Add("workload", "rules")
        .Add("rules", RuleBenchCorpus.Scripts.Count + RuleBenchCorpus.TagMatches.Count)
        .Add("job_signatures", RuleBenchSignatures.Lanes().Count).Add("worker_signatures", RuleBenchSignatures.Workers().Count)
        .Add("seconds", duration.TotalSeconds);

    public IReadOnlyDictionary<string, double> RunOnce()
    {
        using var book = RuleBenchCorpus.Build(Limits);
        var pairs = RulePairs.Of(RuleBenchSignatures.Lanes(), RuleBenchSignatures.Workers());
        var share = duration / 5;
        var cached = book.CachedOracle(error => Console.Error.WriteLine("bench: rule failed: " + error));
        var (cachedPerSecond, cachedPerCpuSecond) = CachedDecisions(cached, pairs, share);
        return new Dictionary<string, double>
        {
            ["decisions_per_s_cached"] = cachedPerSecond,
            ["decisions_per_cpu_s_cached"] = cachedPerCpuSecond,
            ["decisions_per_s_uncached"] = UncachedDecisions(book.Weights, pairs, share),
            ["lua_calls_per_s"] = RawCalls(book, RuleLanguage.Lua, pairs, share),
            ["js_calls_per_s"] = RawCalls(book, RuleLanguage.JavaScript, pairs, share),
            ["selector_picks_per_s"] = SelectorPicks(cached, pairs, share),
        };
    }

    private static (double PerSecond, double PerCpuSecond) CachedDecisions(IWeightOracle oracle, RulePairs pairs, TimeSpan duration)
    {
        // Warm-up fills the cache for every pair, as a node's cache is after its first minute, and runs the look-up
        // until the JIT has compiled it at its final tier (a node looks up for days; on a busy machine the tiering
        // took most of the measured time and the figure measured the JIT).
        for (var i = 0; i < pairs.Count; i++) oracle.Multiplier(pairs.LaneAt(i), pairs.WorkerAt(i));
        CallRate.Measure(i => oracle.Multiplier(pairs.LaneAt(i), pairs.WorkerAt(i)), CachedWarmup);
        return CallRate.MeasureWithCpu(i => oracle.Multiplier(pairs.LaneAt(i), pairs.WorkerAt(i)), duration);
    }

    private static double UncachedDecisions(WeightEvaluator weights, RulePairs pairs, TimeSpan duration)
    {
        for (var i = 0; i < pairs.Count; i++) weights.Evaluate(pairs.JobFactsAt(i), pairs.WorkerFactsAt(i));
        return CallRate.Measure(i => weights.Evaluate(pairs.JobFactsAt(i), pairs.WorkerFactsAt(i)), duration);
    }

    /// <summary>Calls of the corpus's rules in one language, round robin over rules and pairs.</summary>
    private static double RawCalls(BenchRuleBook book, RuleLanguage language, RulePairs pairs, TimeSpan duration)
    {
        var rules = book.Scripts(language).ToArray();
        if (rules.Length == 0) throw new InvalidOperationException($"The bench corpus has no {language} rule.");
        foreach (var rule in rules) rule.EvaluateWeight(pairs.JobFactsAt(0), pairs.WorkerFactsAt(0));
        return CallRate.Measure(i => rules[i % rules.Length].EvaluateWeight(pairs.JobFactsAt(i), pairs.WorkerFactsAt(i)), duration);
    }

    /// <summary>One pick = Select over the 100 lanes for a worker (round robin over the 20) and the Claimed feedback.</summary>
    private static double SelectorPicks(IWeightOracle oracle, RulePairs pairs, TimeSpan duration)
    {
        var selector = new WeightedLaneSelector(oracle, TimeSpan.FromMinutes(5));
        var lanes = pairs.Lanes.Select(lane => new LaneState(lane, Waiting: 1_000_000, Now.AddMinutes(-1))).ToArray();
        var workers = pairs.Workers;
        void Pick(long i)
        {
            var worker = workers[(int)(i % workers.Count)];
            var lane = selector.Select(lanes, worker, Now);
            if (lane is not null) selector.Claimed(lane, worker, 1, Now);
        }
        for (var i = 0; i < workers.Count; i++) Pick(i);
        return CallRate.Measure(Pick, duration);
    }
}
