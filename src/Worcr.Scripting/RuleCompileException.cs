namespace Worcr.Scripting;

/// <summary>
/// A rule that cannot go live: a syntax error (with its line when known), a missing function
/// for its kind, a forbidden construct, or code over the size limit.
/// </summary>
public sealed class RuleCompileException : Exception
{
    public RuleCompileException(string ruleName, string message, int? line = null, Exception? inner = null)
        : base(message, inner)
    {
        RuleName = ruleName;
        Line = line;
    }

    public string RuleName { get; }

    public int? Line { get; }
}
