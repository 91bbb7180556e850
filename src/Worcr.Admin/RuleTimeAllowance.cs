using System.Diagnostics;
using Worcr.Scripting;

namespace Worcr.Admin;

/// <summary>
/// Bounds what one admin request may spend in each weight rule. A dry run calls every rule once per (lane,
/// worker signature), up to thousands of calls; each call ends within the rule's own time budget, but a rule that
/// spends its whole budget every time would keep a core busy for minutes. Once a rule has used up the allowance,
/// its further calls in this request fail at once (factor 1, with an error saying so), like any failing rule.
/// </summary>
internal sealed class RuleTimeAllowance(IWeightRule rule, TimeSpan allowance) : IWeightRule
{
    /// <summary>What one request may spend in one rule: ten default call budgets.</summary>
    public static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(1);

    private long _spentTicks;

    public string Name => rule.Name;

    public int Order => rule.Order;

    /// <summary>The same rules, each under its own allowance for the lifetime of the returned evaluator.</summary>
    public static WeightEvaluator Apply(WeightEvaluator weights, TimeSpan allowance) =>
        new(weights.Rules.Select(rule => new RuleTimeAllowance(rule, allowance)));

    public double EvaluateWeight(JobFacts job, WorkerFacts worker)
    {
        if (Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _spentTicks)) > allowance)
        {
            throw new RuleExecutionException(Name, $"rule '{Name}' was not run: it already spent this request's allowance of {allowance.TotalMilliseconds:0} ms", kind: RuleFailureKind.Skipped);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            return rule.EvaluateWeight(job, worker);
        }
        finally
        {
            Interlocked.Add(ref _spentTicks, Stopwatch.GetTimestamp() - started);
        }
    }
}
