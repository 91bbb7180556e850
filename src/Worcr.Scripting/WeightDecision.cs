namespace Worcr.Scripting;

/// <summary>
/// The outcome of all weight rules for one (job, worker) pair: the product of the factors, whether the
/// pairing is forbidden, what each rule contributed, and the errors of rules that failed.
/// </summary>
public sealed record WeightDecision(double Multiplier, bool Forbidden, IReadOnlyList<RuleApplication> Trace, IReadOnlyList<string> Errors);
