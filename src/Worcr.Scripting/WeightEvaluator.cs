namespace Worcr.Scripting;

/// <summary>
/// Runs the weight rules (scripts and tag matches) in order — by Order, then by name — and multiplies
/// their factors. A rule that throws a <see cref="RuleExecutionException"/> counts as factor
/// <see cref="FactorOnError"/> (the job still runs) and its error is reported for the caller to log and count.
/// The first factor of 0 forbids the pairing and stops the evaluation. Thread-safe if the rules are.
/// </summary>
public sealed class WeightEvaluator
{
    /// <summary>The factor a failing rule contributes: a broken rule must not silently forbid work.</summary>
    public const double FactorOnError = 1;

    /// <summary>
    /// The bounds of a product of factors that no rule made 0. Script rules may return any finite factor, and a product
    /// beyond these would overflow to infinity (the lane would then take every turn of the worker's: its stride is 0)
    /// or round to 0 (a forbid no rule wrote); within them, a lane's score (weight up to 1,000,000, times its aging
    /// bonus) stays finite and above 0. Ample for rules: a tag-match factor is at most 1,000,000.
    /// </summary>
    public const double MinMultiplier = 1e-12;

    /// <inheritdoc cref="MinMultiplier"/>
    public const double MaxMultiplier = 1e12;

    private readonly IWeightRule[] _rules;

    public WeightEvaluator(IEnumerable<IWeightRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules.OrderBy(rule => rule.Order).ThenBy(rule => rule.Name, StringComparer.Ordinal)];
        var misfit = _rules.OfType<ICompiledRule>().FirstOrDefault(rule => rule.Source.Kind != RuleKind.Weight);
        if (misfit is not null)
        {
            throw new ArgumentException($"Rule '{misfit.Source.Name}' is a {misfit.Source.Kind} rule, not a weight rule.", nameof(rules));
        }
    }

    public IReadOnlyList<IWeightRule> Rules => _rules;

    public WeightDecision Evaluate(JobFacts job, WorkerFacts worker)
    {
        var multiplier = 1.0;
        var trace = new List<RuleApplication>(_rules.Length);
        var errors = new List<string>();
        foreach (var rule in _rules)
        {
            var application = Apply(rule, job, worker);
            trace.Add(application);
            if (application.Error is not null)
            {
                errors.Add(application.Error);
            }

            multiplier *= application.Factor;
            if (application.Factor == 0)
            {
                return new WeightDecision(0, true, trace, errors);
            }
        }

        return new WeightDecision(Math.Clamp(multiplier, MinMultiplier, MaxMultiplier), false, trace, errors);
    }

    private static RuleApplication Apply(IWeightRule rule, JobFacts job, WorkerFacts worker)
    {
        try
        {
            return new RuleApplication(rule.Name, rule.EvaluateWeight(job, worker), null);
        }
        catch (RuleExecutionException ex)
        {
            return new RuleApplication(rule.Name, FactorOnError, ex.Message, ex.Kind);
        }
    }
}
