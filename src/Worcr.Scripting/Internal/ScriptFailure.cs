namespace Worcr.Scripting.Internal;

/// <summary>
/// Why a script run stopped (budget, memory, a script error, a result of the wrong shape). The compiled
/// rule turns it into a RuleExecutionException (or a RuleCompileException while loading) naming the rule.
/// The JavaScript guard throws it too: being a plain .NET exception rather than a JavaScriptException,
/// a script's own try/catch cannot swallow it.
/// </summary>
internal sealed class ScriptFailure(string cause, int? line = null, RuleFailureKind kind = RuleFailureKind.Error) : Exception(cause)
{
    public int? Line { get; } = line;

    /// <summary>Which budget ran out, if one did.</summary>
    public RuleFailureKind Kind { get; } = kind;
}
