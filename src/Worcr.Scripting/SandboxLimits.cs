namespace Worcr.Scripting;

/// <summary>
/// Budgets every rule runs under. Both languages have a wall-clock time budget per call; Lua is also bounded by
/// VM instructions (library work in C is charged to them) and memory, JavaScript (Jint) by statements, allocated
/// bytes and call depth. A rule's top-level code runs under the same budgets when it is loaded.
/// </summary>
public sealed class SandboxLimits
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;

    public static SandboxLimits Default { get; } = new();

    /// <summary>Lua VM instructions one call may run before it is stopped.</summary>
    public int LuaInstructionBudget { get; init; } = 1_000_000;

    /// <summary>Bytes one Lua state (one rule) may hold, arguments and results included.</summary>
    public long LuaMemoryBytes { get; init; } = 16L * MiB;

    /// <summary>Wall-clock time one rule call may take, in either language.</summary>
    public TimeSpan ScriptTimeBudget { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Managed bytes one JavaScript call may allocate (Jint's memory constraint). An engine is also replaced once its
    /// loading and calls have allocated this much in all, which bounds what a rule keeps between calls.
    /// </summary>
    public long JsAllocationBytes { get; init; } = 64L * MiB;

    /// <summary>JavaScript statements one call may run (Jint's statement constraint).</summary>
    public int JsStatementBudget { get; init; } = 1_000_000;

    /// <summary>JavaScript call depth; deeper recursion fails instead of overflowing the stack.</summary>
    public int JsRecursionDepth { get; init; } = 256;

    /// <summary>Longest rule source accepted, in characters.</summary>
    public int MaxCodeLength { get; init; } = 64 * KiB;

    /// <summary>
    /// Calls in a row that exhaust a budget (time, instructions or statements, memory) after which a node stops calling
    /// a weight rule for <see cref="WeightBreakerCoolDown"/> (<see cref="WeightRuleBreaker"/>). Each such call costs the
    /// dispatch loop up to <see cref="ScriptTimeBudget"/>, and an uncached rule is called once per lane and worker.
    /// </summary>
    public int WeightBreakerTripAfter { get; init; } = 5;

    /// <summary>How long an open weight-rule breaker skips the rule (factor 1) before one trial call runs it again.</summary>
    public TimeSpan WeightBreakerCoolDown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (Problems().FirstOrDefault() is { Setting: not null } problem)
        {
            throw new ArgumentOutOfRangeException(problem.Setting, $"SandboxLimits.{problem.Setting} must be {problem.Expectation}.");
        }
    }

    /// <summary>Every setting out of range: its name, its value and what it must be. None when all are valid.</summary>
    public IEnumerable<(string Setting, object Value, string Expectation)> Problems()
    {
        if (LuaInstructionBudget < 1_000) yield return (nameof(LuaInstructionBudget), LuaInstructionBudget, "at least 1000");
        if (LuaMemoryBytes < 256 * KiB) yield return (nameof(LuaMemoryBytes), LuaMemoryBytes, "at least 256 KiB (262144)");
        if (ScriptTimeBudget < TimeSpan.FromMilliseconds(1)) yield return (nameof(ScriptTimeBudget), ScriptTimeBudget, "at least 1 ms");
        if (JsAllocationBytes < 1 * MiB) yield return (nameof(JsAllocationBytes), JsAllocationBytes, "at least 1 MiB (1048576)");
        if (JsStatementBudget < 1_000) yield return (nameof(JsStatementBudget), JsStatementBudget, "at least 1000");
        if (JsRecursionDepth is < 8 or > 2_000) yield return (nameof(JsRecursionDepth), JsRecursionDepth, "between 8 and 2000");
        if (MaxCodeLength < 64) yield return (nameof(MaxCodeLength), MaxCodeLength, "at least 64");
        if (WeightBreakerTripAfter < 1) yield return (nameof(WeightBreakerTripAfter), WeightBreakerTripAfter, "at least 1");
        if (WeightBreakerCoolDown < TimeSpan.FromMilliseconds(1)) yield return (nameof(WeightBreakerCoolDown), WeightBreakerCoolDown, "at least 1 ms");
    }
}
