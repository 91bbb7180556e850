namespace Worcr.Scripting;

/// <summary>One rule's contribution to a weight decision; <paramref name="Error"/> is set when the rule failed (factor 1).</summary>
public sealed record RuleApplication(string RuleName, double Factor, string? Error);
