namespace Worcr.Scripting;

/// <summary>A rule failed while running; the message names the rule, its language and the cause.</summary>
public sealed class RuleExecutionException : Exception
{
    public RuleExecutionException(string ruleName, string message, Exception? inner = null)
        : base(message, inner)
    {
        RuleName = ruleName;
    }

    public string RuleName { get; }
}
