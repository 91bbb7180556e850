using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Admin;

/// <summary>
/// The weight decision for a job on a worker with a book's weight rules, optionally as if a draft rule were
/// saved: the draft replaces any rule of the same name (and removes it when the draft is not a live weight rule).
/// Every rule really runs: explain bypasses the weight rules' breakers (<see cref="RuleBook.WeightsBypassingBreakers"/>),
/// so a rule that dispatch is skipping shows its own result or error here, and explaining never trips a breaker.
/// </summary>
internal static class RuleExplainer
{
    public static ExplainView Explain(RuleBook book, JobFacts job, WorkerFacts worker, CompiledDraft? draft)
    {
        var weights = draft is null ? book.WeightsBypassingBreakers : WithDraft(book.WeightsBypassingBreakers, draft);
        var decision = weights.Evaluate(job, worker);
        return new ExplainView(
            book.Version,
            decision.Multiplier,
            decision.Forbidden,
            decision.Trace.Select(t => new TraceView(t.RuleName, t.Factor, t.Error)).ToList(),
            decision.Errors);
    }

    public static WeightEvaluator WithDraft(WeightEvaluator current, CompiledDraft draft)
    {
        var kept = current.Rules.Where(rule => !string.Equals(rule.Name, draft.Rule.Name, StringComparison.Ordinal));
        return new WeightEvaluator(draft.WeightRule is null ? kept : kept.Append(draft.WeightRule));
    }
}
