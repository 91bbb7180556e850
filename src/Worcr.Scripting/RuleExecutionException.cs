namespace Worcr.Scripting;

/// <summary>A rule failed while running; the message names the rule, its language and the cause.</summary>
public sealed class RuleExecutionException : Exception
{
    public RuleExecutionException(string ruleName, string message, Exception? inner = null, RuleFailureKind kind = RuleFailureKind.Error)
        : base(message, inner)
    {
        RuleName = ruleName;
        Kind = kind;
    }

    public string RuleName { get; }

    /// <summary>Why it failed: a budget ran out, the script erred, or it was not run.</summary>
    public RuleFailureKind Kind { get; }

    /// <summary>True when the call stopped because it spent all of its time, work or memory budget.</summary>
    public bool ExhaustedBudget => Kind is RuleFailureKind.TimeBudget or RuleFailureKind.WorkBudget or RuleFailureKind.MemoryBudget;
}
