namespace Worcr.Scripting;

/// <summary>
/// Why a rule call failed, as far as the host cares: the budgets mark calls that spent all a call may spend of
/// something (and so were as slow as the sandbox allows), which <see cref="WeightRuleBreaker"/> counts; an error is
/// what the script did or returned, usually cheap.
/// </summary>
public enum RuleFailureKind
{
    /// <summary>The script threw, returned something of the wrong shape, recursed too deep, or could not be loaded.</summary>
    Error,

    /// <summary>The call ran past <see cref="SandboxLimits.ScriptTimeBudget"/> (a regular expression's match timeout included).</summary>
    TimeBudget,

    /// <summary>The call ran past its instruction (Lua) or statement (JavaScript) budget.</summary>
    WorkBudget,

    /// <summary>The call ran out of the memory a rule may hold (Lua) or allocate (JavaScript).</summary>
    MemoryBudget,

    /// <summary>The rule was not run at all: a breaker is open, or an admin request's allowance is spent.</summary>
    Skipped,
}
