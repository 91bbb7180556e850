using Microsoft.Extensions.Time.Testing;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Server.Tests.Rules;

/// <summary>
/// A decision made while a weight rule's breaker was open is factor 1 for that rule, not its answer; the oracle's
/// cache must not keep it once the breaker has closed.
/// </summary>
public sealed class SkippedDecisionTests
{
    /// <summary>Exhausts its budget while <see cref="Exhausting"/>, then answers 3.</summary>
    private sealed class RecoveringRule : IWeightRule
    {
        public bool Exhausting { get; set; } = true;

        public string Name => "recovering";

        public int Order => 0;

        public double EvaluateWeight(JobFacts job, WorkerFacts worker) =>
            Exhausting ? throw new RuleExecutionException(Name, "time budget", kind: RuleFailureKind.TimeBudget) : 3;
    }

    /// <summary>Answers 2 and counts its calls.</summary>
    private sealed class CountingRule : IWeightRule
    {
        public int Calls { get; private set; }

        public string Name => "counting";

        public int Order => 1;

        public double EvaluateWeight(JobFacts job, WorkerFacts worker)
        {
            Calls++;
            return 2;
        }
    }

    [Fact]
    public void A_pair_decided_while_the_rule_was_skipped_is_not_decided_again_before_the_breaker_allows_its_trial()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var limits = new SandboxLimits();
        var counting = new CountingRule();
        var book = new RuleBook("v1", new WeightEvaluator([new WeightRuleBreaker(new RecoveringRule(), limits, time), counting]), [], [], [], [], []);
        var oracle = new RuleWeightOracle(() => book, _ => { }) { Time = time };
        var worker = new WorkerProfile("w1", [], new HashSet<string>(["email"], StringComparer.Ordinal));
        var lanes = Enumerable.Range(1, limits.WeightBreakerTripAfter + 1).Select(id => new Lane(id, "acme", "email", [$"shard-{id}"], 1)).ToArray();
        foreach (var lane in lanes) oracle.Decide(lane, worker); // the last one is decided while the breaker is open
        var callsAfterTheSkippedDecision = counting.Calls;

        time.Advance(limits.WeightBreakerCoolDown / 2);
        oracle.Decide(lanes[^1], worker);

        Assert.Equal(callsAfterTheSkippedDecision, counting.Calls);
    }

    [Fact]
    public void A_pair_decided_while_the_rule_was_skipped_gets_the_rules_factor_once_the_breaker_closed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var rule = new RecoveringRule();
        var limits = new SandboxLimits();
        var breaker = new WeightRuleBreaker(rule, limits, time);
        var book = new RuleBook("v1", new WeightEvaluator([breaker]), [], [], [], [], []);
        var oracle = new RuleWeightOracle(() => book, _ => { }) { Time = time };
        var worker = new WorkerProfile("w1", [], new HashSet<string>(["email"], StringComparer.Ordinal));
        var lanes = Enumerable.Range(1, limits.WeightBreakerTripAfter + 1).Select(id => new Lane(id, "acme", "email", [$"shard-{id}"], 1)).ToArray();
        foreach (var lane in lanes) oracle.Decide(lane, worker); // the last one is decided while the breaker is open
        var skipped = oracle.Decide(lanes[^1], worker);

        rule.Exhausting = false;
        time.Advance(limits.WeightBreakerCoolDown);
        var afterwards = oracle.Decide(lanes[^1], worker); // the trial call: the rule answers, the breaker closes

        Assert.StartsWith("rule 'recovering' was skipped", Assert.Single(skipped.Errors));
        Assert.False(breaker.IsOpen);
        Assert.Empty(afterwards.Errors);
        Assert.Equal(3, afterwards.Multiplier);
    }
}
