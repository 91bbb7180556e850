namespace Worcr.Admin;

/// <summary>Why a rule is refused; <see cref="Line"/> is the 1-based line of its code at fault, when known.</summary>
internal sealed record RuleProblem(string Error, int? Line = null);
