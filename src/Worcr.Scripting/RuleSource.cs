namespace Worcr.Scripting;

/// <summary>A rule as written: its name, kind, language and code. Lower <paramref name="Order"/> runs first.</summary>
public sealed record RuleSource(string Name, RuleKind Kind, RuleLanguage Language, string Code, int Order = 0);
