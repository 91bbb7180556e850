namespace Worcr.Scripting.Tests;

public sealed class TagMatchRuleTests
{
    private static TagMatchRule Rule(TagMatchAction action, string[]? jobAll = null, string[]? jobAny = null, string[]? jobNone = null, string[]? workerAll = null, double factor = 1) =>
        new("tags", jobAll ?? [], jobAny ?? [], jobNone ?? [], workerAll ?? [], [], [], action, factor);

    [Fact]
    public void Multiply_applies_the_factor_only_when_both_sides_match()
    {
        var rule = Rule(TagMatchAction.Multiply, jobAll: ["premium"], workerAll: ["gpu"], factor: 3);

        Assert.Equal(3, rule.EvaluateWeight(Facts.Job(tags: ["premium", "x"]), Facts.Worker("gpu")));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["premium"]), Facts.Worker("cpu")));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["basic"]), Facts.Worker("gpu")));
    }

    [Fact]
    public void Forbid_gives_zero_when_both_sides_match()
    {
        var rule = Rule(TagMatchAction.Forbid, jobAny: ["bulk", "batch"], workerAll: ["interactive"]);

        Assert.Equal(0, rule.EvaluateWeight(Facts.Job(tags: ["batch"]), Facts.Worker("interactive")));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["urgent"]), Facts.Worker("interactive")));
    }

    [Fact]
    public void Require_forbids_a_matching_job_on_a_worker_that_does_not_match()
    {
        var rule = Rule(TagMatchAction.Require, jobAll: ["gpu"], workerAll: ["gpu"]);

        Assert.Equal(0, rule.EvaluateWeight(Facts.Job(tags: ["gpu"]), Facts.Worker("cpu")));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["gpu"]), Facts.Worker("gpu")));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["cpu"]), Facts.Worker("cpu")));
    }

    [Fact]
    public void None_lists_exclude_and_empty_lists_match_anything()
    {
        var rule = Rule(TagMatchAction.Multiply, jobNone: ["slow"], factor: 2);

        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(tags: []), Facts.Worker()));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["slow"]), Facts.Worker()));
    }
}
