using Worcr.Admin;
using Worcr.Scripting;

namespace Worcr.Server.Tests.Admin;

public sealed class RuleTimeAllowanceTests
{
    private static readonly JobFacts Job = new("test.echo", "acme", [], "{}", 1, DateTimeOffset.UnixEpoch);
    private static readonly WorkerFacts Worker = new("w", [], ["test.echo"]);

    [Fact]
    public void A_rule_that_spends_its_whole_budget_every_call_is_no_longer_run_once_the_request_allowance_is_spent()
    {
        var limits = new SandboxLimits { ScriptTimeBudget = TimeSpan.FromMilliseconds(50) };
        using var spinner = RuleCompiler.Compile(new RuleSource("spinner", RuleKind.Weight, RuleLanguage.Lua, "function weight(job, worker) while true do end end"), limits);
        var weights = RuleTimeAllowance.Apply(new WeightEvaluator([spinner]), TimeSpan.FromMilliseconds(200));

        // A dry run over many lanes: without the allowance each of these calls would spend the full budget.
        var errors = Enumerable.Range(0, 200).Select(_ => weights.Evaluate(Job, Worker)).Select(decision => Assert.Single(decision.Errors)).ToList();

        Assert.StartsWith("rule 'spinner' (lua) exceeded its", errors[0], StringComparison.Ordinal);
        Assert.Equal("rule 'spinner' was not run: it already spent this request's allowance of 200 ms", errors[^1]);
        Assert.All(weights.Evaluate(Job, Worker).Trace, application => Assert.Equal(WeightEvaluator.FactorOnError, application.Factor));
    }
}
