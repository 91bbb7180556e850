using Microsoft.Extensions.Time.Testing;

namespace Worcr.Scripting.Tests;

/// <summary>
/// The breaker's states without real time or real scripts: a stub rule answers as told and counts the calls that
/// reached it, and a fake clock moves the cool-down. Trip after 5 budget failures in a row, cool down for 30 s (the defaults).
/// </summary>
public sealed class WeightRuleBreakerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly SandboxLimits Limits = SandboxLimits.Default;

    private readonly FakeTimeProvider _time = new(Start);
    private readonly StubRule _rule = new();
    private readonly List<RuleBreakerTrip> _trips = [];
    private readonly WeightRuleBreaker _breaker;

    public WeightRuleBreakerTests() => _breaker = new WeightRuleBreaker(_rule, Limits, _time, _trips.Add);

    [Fact]
    public void The_defaults_trip_after_5_budget_failures_in_a_row_and_cool_down_for_30_seconds()
    {
        Assert.Equal(5, Limits.WeightBreakerTripAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), Limits.WeightBreakerCoolDown);
    }

    [Fact]
    public void Budget_failures_fewer_than_the_threshold_or_broken_by_a_result_keep_it_closed()
    {
        Call(RuleFailureKind.TimeBudget, times: 4);
        Call(result: 2);
        Call(RuleFailureKind.TimeBudget, times: 4);

        Assert.False(_breaker.IsOpen);
        Assert.Equal(9, _rule.Calls);
        Assert.Empty(_trips);
    }

    [Fact]
    public void Ordinary_script_errors_never_trip_it_and_break_a_run_of_budget_failures()
    {
        Call(RuleFailureKind.Error, times: 50);
        Call(RuleFailureKind.TimeBudget, times: 4);
        Call(RuleFailureKind.Error);
        Call(RuleFailureKind.TimeBudget, times: 4);

        Assert.False(_breaker.IsOpen);
        Assert.Equal(59, _rule.Calls);
    }

    [Theory]
    [InlineData(RuleFailureKind.TimeBudget)]
    [InlineData(RuleFailureKind.WorkBudget)]
    [InlineData(RuleFailureKind.MemoryBudget)]
    public void After_5_budget_failures_in_a_row_the_rule_is_skipped_without_being_called_and_the_trip_is_reported_once(RuleFailureKind kind)
    {
        Call(kind, times: 5);
        var evaluator = new WeightEvaluator([_breaker]);

        var decisions = Enumerable.Range(0, 100).Select(_ => evaluator.Evaluate(Facts.Job(), Facts.Worker())).ToList();

        Assert.Equal(5, _rule.Calls);
        Assert.True(_breaker.IsOpen);
        Assert.All(decisions, decision => Assert.Equal(WeightEvaluator.FactorOnError, decision.Multiplier));
        Assert.All(decisions, decision => Assert.StartsWith("rule 'slow' was skipped: its last 5 calls exhausted a budget (rule 'slow' (js) ", Assert.Single(decision.Errors)));
        Assert.Contains("the node does not call it until 2026-12-06T10:00:30.000Z, then one trial call runs it", decisions[0].Errors[0]);
        var trip = Assert.Single(_trips);
        Assert.Equal(("slow", Start.AddSeconds(30), false), (trip.RuleName, trip.Until, trip.AfterTrial));
        Assert.Equal(1, _breaker.Trips);
    }

    [Fact]
    public void A_skipped_call_fails_as_skipped()
    {
        Call(RuleFailureKind.TimeBudget, times: 5);

        var skipped = Assert.Throws<RuleExecutionException>(() => _breaker.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal(RuleFailureKind.Skipped, skipped.Kind);
        Assert.False(skipped.ExhaustedBudget);
        Assert.Equal("slow", skipped.RuleName);
    }

    [Fact]
    public void After_the_cool_down_one_trial_call_runs_the_rule_and_a_result_closes_the_breaker()
    {
        Call(RuleFailureKind.TimeBudget, times: 5);
        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Call(result: 3);
        Assert.Equal(5, _rule.Calls);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(3, _breaker.EvaluateWeight(Facts.Job(), Facts.Worker()));
        Assert.False(_breaker.IsOpen);
        Call(RuleFailureKind.TimeBudget, times: 4); // a fresh run: four more failures do not trip it
        Assert.False(_breaker.IsOpen);
        Assert.Equal(10, _rule.Calls);
    }

    [Fact]
    public void A_trial_call_that_ends_in_an_ordinary_error_closes_the_breaker_too()
    {
        Call(RuleFailureKind.TimeBudget, times: 5);
        _time.Advance(TimeSpan.FromSeconds(30));

        Call(RuleFailureKind.Error);

        Assert.False(_breaker.IsOpen);
        Assert.Equal(6, _rule.Calls);
    }

    [Fact]
    public void While_the_trial_call_runs_other_callers_are_still_skipped()
    {
        Call(RuleFailureKind.TimeBudget, times: 5);
        _time.Advance(TimeSpan.FromSeconds(30));
        RuleExecutionException? other = null;
        var caller = Facts.Job();
        // The rule calls the breaker again from inside the trial call: a second caller arriving while the trial runs.
        _rule.Answer = () =>
        {
            other = Assert.Throws<RuleExecutionException>(() => _breaker.EvaluateWeight(caller, Facts.Worker()));
            return 4;
        };

        Assert.Equal(4, _breaker.EvaluateWeight(caller, Facts.Worker()));

        Assert.Equal(RuleFailureKind.Skipped, other?.Kind);
        Assert.Equal(6, _rule.Calls);
        Assert.False(_breaker.IsOpen);
    }

    [Fact]
    public void A_trial_call_that_exhausts_a_budget_again_opens_it_for_another_cool_down_reported_as_a_new_trip()
    {
        Call(RuleFailureKind.TimeBudget, times: 5);
        _time.Advance(TimeSpan.FromSeconds(30));

        Call(RuleFailureKind.TimeBudget);
        Call(result: 2, times: 10);

        Assert.Equal(6, _rule.Calls);
        Assert.True(_breaker.IsOpen);
        Assert.Equal(2, _trips.Count);
        Assert.Equal((Start.AddSeconds(60), true), (_trips[1].Until, _trips[1].AfterTrial));
        Assert.StartsWith("its trial call after a cool-down exhausted a budget again (rule 'slow' (js) ", _trips[1].Reason);
        _time.Advance(TimeSpan.FromSeconds(30));
        Call(result: 2);
        Assert.Equal(7, _rule.Calls);
        Assert.False(_breaker.IsOpen);
    }

    [Fact]
    public void Bypass_gives_the_rules_themselves_so_a_tester_really_runs_an_open_rule()
    {
        Call(RuleFailureKind.TimeBudget, times: 5);
        var bypassed = WeightRuleBreaker.Bypass(new WeightEvaluator([_breaker]));
        _rule.Answer = () => 7;

        Assert.Equal(7, bypassed.Evaluate(Facts.Job(), Facts.Worker()).Multiplier);
        Assert.Equal(6, _rule.Calls);
        Assert.True(_breaker.IsOpen);
    }

    [Fact]
    public void A_rewrapped_breaker_shares_the_state_so_the_recompiled_rule_is_not_called_while_it_is_open()
    {
        Call(RuleFailureKind.TimeBudget, times: 4);
        var recompiled = new StubRule();
        var rewrapped = _breaker.Rewrap(recompiled);
        recompiled.Answer = () => throw new RuleExecutionException("slow", "rule 'slow' (js) failed as TimeBudget", kind: RuleFailureKind.TimeBudget);

        Assert.Throws<RuleExecutionException>(() => rewrapped.EvaluateWeight(Facts.Job(), Facts.Worker())); // the 5th in a row trips both
        var skipped = Enumerable.Range(0, 10).Select(_ => new WeightEvaluator([rewrapped]).Evaluate(Facts.Job(), Facts.Worker())).ToList();

        Assert.Equal((4, 1), (_rule.Calls, recompiled.Calls));
        Assert.All(skipped, decision => Assert.StartsWith("rule 'slow' was skipped", Assert.Single(decision.Errors)));
        Assert.True(_breaker.IsOpen);
        Assert.Equal((1, 1), (_breaker.Trips, rewrapped.Trips));
        Assert.Single(_trips);
        Assert.Same(recompiled, rewrapped.Rule);
    }

    /// <summary>Calls the breaker <paramref name="times"/> times with the rule failing as <paramref name="kind"/>.</summary>
    private void Call(RuleFailureKind kind, int times = 1)
    {
        _rule.Answer = () => throw new RuleExecutionException("slow", $"rule 'slow' (js) failed as {kind}", kind: kind);
        for (var i = 0; i < times; i++)
        {
            Assert.Throws<RuleExecutionException>(() => _breaker.EvaluateWeight(Facts.Job(), Facts.Worker()));
        }
    }

    /// <summary>Calls the breaker <paramref name="times"/> times with the rule answering <paramref name="result"/>; a skipped call is fine.</summary>
    private void Call(double result, int times = 1)
    {
        _rule.Answer = () => result;
        var evaluator = new WeightEvaluator([_breaker]);
        for (var i = 0; i < times; i++)
        {
            evaluator.Evaluate(Facts.Job(), Facts.Worker());
        }
    }

    private sealed class StubRule : IWeightRule
    {
        public Func<double> Answer { get; set; } = () => 1;

        public int Calls { get; private set; }

        public string Name => "slow";

        public int Order => 0;

        public double EvaluateWeight(JobFacts job, WorkerFacts worker)
        {
            Calls++;
            return Answer();
        }
    }
}
