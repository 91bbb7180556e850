namespace Worcr.Scripting;

/// <summary>
/// One rule's contribution to a weight decision; <paramref name="Error"/> is set when the rule failed (factor 1), and
/// <paramref name="Failure"/> says how (<see cref="RuleFailureKind.Skipped"/>: not run, e.g. its breaker is open).
/// </summary>
public sealed record RuleApplication(string RuleName, double Factor, string? Error, RuleFailureKind? Failure = null);
