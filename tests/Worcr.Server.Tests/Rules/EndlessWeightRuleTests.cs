using Worcr.Admin;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Server.Tests.Rules;

/// <summary>
/// A weight rule that spends its whole time budget on every call, run the way dispatch runs it: a book built by
/// <see cref="RuleBookBuilder"/> and the node's <see cref="RuleWeightOracle"/>, one uncached decision per lane.
/// </summary>
public sealed class EndlessWeightRuleTests
{
    /// <summary>SandboxLimits.WeightBreakerTripAfter's default, spelled out so this test builds (and fails) without the breaker.</summary>
    private const int TripAfter = 5;

    private const string Endless = "function weight(job, worker) { while (true) {} }";

    [Fact]
    public void An_endless_weight_rule_is_not_run_again_after_it_timed_out_five_times_in_a_row()
    {
        // Time stops it: no statement budget, and a small time budget keeps the test short.
        var limits = new SandboxLimits { ScriptTimeBudget = TimeSpan.FromMilliseconds(20), JsStatementBudget = int.MaxValue };
        var book = RuleBookBuilder.Build([new RuleSource("endless", RuleKind.Weight, RuleLanguage.JavaScript, Endless)], [], databaseVersion: 1, limits);
        try
        {
            var logged = new List<string>();
            var oracle = new RuleWeightOracle(() => book, logged.Add);
            var worker = new WorkerProfile("w1", [], new HashSet<string>(["email"], StringComparer.Ordinal));

            var decisions = Enumerable.Range(1, 40).Select(id => oracle.Decide(new Lane(id, "acme", "email", [$"shard-{id}"], 1), worker)).ToList();

            var errors = decisions.Select(decision => Assert.Single(decision.Errors)).ToList();
            // Only a call that ran the script can end with the script's own time-budget error.
            var ran = errors.Count(error => error.StartsWith("rule 'endless' (js) exceeded its time budget", StringComparison.Ordinal));
            Assert.Equal(TripAfter, ran);
            Assert.All(errors.Skip(TripAfter), error => Assert.StartsWith("rule 'endless' was skipped: its last 5 calls exhausted a budget", error));
            Assert.All(decisions, decision => Assert.Equal(1, decision.Multiplier));
            Assert.Equal(TripAfter, logged.Count); // skipped calls are not logged one by one (the trip is, once, by the catalog)
        }
        finally
        {
            foreach (var owned in book.Owned) owned.Dispose();
        }
    }

    [Fact]
    public void Explain_really_runs_a_rule_that_dispatch_is_skipping()
    {
        var limits = new SandboxLimits { ScriptTimeBudget = TimeSpan.FromMilliseconds(20), JsStatementBudget = int.MaxValue };
        var book = RuleBookBuilder.Build([new RuleSource("endless", RuleKind.Weight, RuleLanguage.JavaScript, Endless)], [], databaseVersion: 1, limits);
        try
        {
            var job = RuleWeightOracle.LaneFacts(new Lane(1, "acme", "email", [], 1));
            var worker = new WorkerFacts("w1", [], ["email"]);
            for (var i = 0; i < TripAfter; i++) book.Weights.Evaluate(job, worker);
            Assert.StartsWith("rule 'endless' was skipped", Assert.Single(book.Weights.Evaluate(job, worker).Errors));

            var explained = RuleExplainer.Explain(book, job, worker, draft: null);

            Assert.StartsWith("rule 'endless' (js) exceeded its time budget", Assert.Single(explained.Errors));
        }
        finally
        {
            foreach (var owned in book.Owned) owned.Dispose();
        }
    }
}
