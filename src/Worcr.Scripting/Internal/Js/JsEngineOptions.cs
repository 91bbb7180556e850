using Jint;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// The Jint options every rule engine is built with. Jint's own constraints are the budget: they are checked
/// by the interpreter itself, so no loop or call can hide from them the way code could hide from a source rewriter.
/// </summary>
internal static class JsEngineOptions
{
    public static void Apply(Options options, SandboxLimits limits, RuleTimeBudget time)
    {
        options.Constraint(time);
        options.MaxStatements(limits.JsStatementBudget);
        options.LimitMemory(limits.JsAllocationBytes);
        options.LimitRecursion(limits.JsRecursionDepth);

        // Off by default. Without it, recursion through toString/valueOf/Symbol.toPrimitive (which the recursion
        // limit does not count) overflows the real stack and kills the process; with it, it is a RangeError.
        options.Constraints.StackOverflowGuard = true;

        // A catastrophic pattern stops at the call's time budget (surfacing as RegexMatchTimeoutException).
        options.Constraints.RegexTimeout = limits.ScriptTimeBudget;

        // Arrays beyond this length are refused: built-ins that walk an array run in .NET between statement checks.
        options.Constraints.MaxArraySize = MaxArrayLength;

        // Atomics.wait blocked the thread past every budget; the prelude also removes Atomics and SharedArrayBuffer.
        options.AgentCanSuspend = false;

        options.DisableStringCompilation(); // eval, Function and the generator/async constructors
        options.Interop.Enabled = false;     // no CLR: no host objects, types or namespaces
        options.Strict = false;
    }

    /// <summary>Longest array a rule may build; rules decide about jobs, they do not process data sets.</summary>
    public const uint MaxArrayLength = 1_000_000;
}
