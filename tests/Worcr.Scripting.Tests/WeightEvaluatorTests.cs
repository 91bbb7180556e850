namespace Worcr.Scripting.Tests;

public sealed class WeightEvaluatorTests
{
    private sealed class FixedRule(string name, int order, double factor, List<string>? calls = null) : IWeightRule
    {
        public string Name => name;

        public int Order => order;

        public double EvaluateWeight(JobFacts job, WorkerFacts worker)
        {
            calls?.Add(name);
            return factor;
        }
    }

    [Fact]
    public void Multiplier_is_the_product_of_factors_in_rule_order()
    {
        var calls = new List<string>();
        var evaluator = new WeightEvaluator([new FixedRule("b", 2, 3, calls), new FixedRule("a", 1, 2, calls)]);

        var decision = evaluator.Evaluate(Facts.Job(), Facts.Worker());

        Assert.Equal(6, decision.Multiplier);
        Assert.False(decision.Forbidden);
        Assert.Equal(["a", "b"], calls);
        Assert.Equal([new RuleApplication("a", 2, null), new RuleApplication("b", 3, null)], decision.Trace);
    }

    [Fact]
    public void A_product_that_would_overflow_or_round_to_zero_is_held_within_the_bounds_and_forbids_nothing()
    {
        var huge = new WeightEvaluator([new FixedRule("a", 1, 1e308), new FixedRule("b", 2, 10)]);
        var tiny = new WeightEvaluator([new FixedRule("a", 1, 1e-300), new FixedRule("b", 2, 1e-300)]);

        var overflow = huge.Evaluate(Facts.Job(), Facts.Worker());
        var underflow = tiny.Evaluate(Facts.Job(), Facts.Worker());

        Assert.Equal((WeightEvaluator.MaxMultiplier, false), (overflow.Multiplier, overflow.Forbidden));
        Assert.Equal((WeightEvaluator.MinMultiplier, false), (underflow.Multiplier, underflow.Forbidden));
    }

    [Fact]
    public void First_zero_forbids_and_stops_evaluation()
    {
        var calls = new List<string>();
        var evaluator = new WeightEvaluator([new FixedRule("first", 1, 0, calls), new FixedRule("second", 2, 5, calls)]);

        var decision = evaluator.Evaluate(Facts.Job(), Facts.Worker());

        Assert.True(decision.Forbidden);
        Assert.Equal(0, decision.Multiplier);
        Assert.Equal(["first"], calls);
    }

    [Fact]
    public void Failing_script_counts_as_factor_one_and_reports_its_error()
    {
        using var broken = Facts.Lua("function weight(job, worker) error('bad') end", name: "broken");
        var evaluator = new WeightEvaluator([broken, new FixedRule("double", 5, 2)]);

        var decision = evaluator.Evaluate(Facts.Job(), Facts.Worker());

        Assert.Equal(2, decision.Multiplier);
        var error = Assert.Single(decision.Errors);
        Assert.StartsWith("rule 'broken' (lua) threw:", error);
        Assert.Equal(error, decision.Trace[0].Error);
        Assert.Equal(WeightEvaluator.FactorOnError, decision.Trace[0].Factor);
    }

    [Fact]
    public void Scripts_and_tag_matches_run_together()
    {
        using var script = Facts.Js("function weight(job, worker) { return 4; }", name: "four");
        var tags = new TagMatchRule("half", [], [], [], [], [], [], TagMatchAction.Multiply, 0.5, Order: 1);

        Assert.Equal(2, new WeightEvaluator([script, tags]).Evaluate(Facts.Job(), Facts.Worker()).Multiplier);
    }

    [Fact]
    public void Rules_of_another_kind_are_refused()
    {
        using var retry = Facts.Lua("function retry() return false end", RuleKind.Retry, name: "retry-rule");

        var error = Assert.Throws<ArgumentException>(() => new WeightEvaluator([retry]));

        Assert.Contains("retry-rule", error.Message);
    }
}
