using System.Diagnostics;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// What one Lua run may still spend: VM instructions (counted by <see cref="LuaBudgetHook"/> in slices of at most
/// <see cref="HookPeriod"/>), library work charged by the sandbox's wrappers (<see cref="LuaCharge"/>), and
/// wall-clock time, checked at every slice, every charge and every large or refused allocation. A run happens on
/// one thread, so the budget in force is found through a thread-static field by the native callbacks, which
/// only receive a raw state pointer.
/// </summary>
internal sealed class LuaCallBudget(SandboxLimits limits)
{
    /// <summary>Instructions between two clock checks: one instruction does at most a bounded amount of work
    /// (no single object can exceed <see cref="LuaMemoryAccount.LargestBlockBytes"/>), so this bounds the overshoot.</summary>
    public const int HookPeriod = 1_000;

    [ThreadStatic]
    private static LuaCallBudget? t_current;

    private long _remaining;
    private long _deadline;

    /// <summary>The budget of the run on this thread, if one is running.</summary>
    public static LuaCallBudget? Current => t_current;

    /// <summary>The coroutine being run, so an allocation can ask the hook to fire at the next instruction.</summary>
    public IntPtr Coroutine { get; private set; }

    /// <summary>The instruction count the hook was last armed with.</summary>
    public int ArmedCount { get; private set; }

    /// <summary>Why the run must stop; null while it may go on.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Which budget <see cref="StopReason"/> says ran out.</summary>
    public RuleFailureKind StopKind { get; private set; }

    public void Begin(IntPtr coroutine)
    {
        Coroutine = coroutine;
        StopReason = null;
        StopKind = RuleFailureKind.Error;
        _remaining = limits.LuaInstructionBudget;
        _deadline = Stopwatch.GetTimestamp() + (long)(limits.ScriptTimeBudget.TotalSeconds * Stopwatch.Frequency);
        t_current = this;
    }

    public void End()
    {
        t_current = null;
        Coroutine = IntPtr.Zero;
    }

    /// <summary>The count to arm the hook with: the next slice, never past the end of the budget.</summary>
    public int NextSlice()
    {
        ArmedCount = (int)Math.Clamp(_remaining, 1, HookPeriod);
        return ArmedCount;
    }

    /// <summary>Spends instructions (or charged library work); false once the run must stop.</summary>
    public bool Spend(double units)
    {
        if (StopReason is null)
        {
            _remaining -= units >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)Math.Ceiling(Math.Max(units, 0));
            if (_remaining < 0)
            {
                StopReason = $"exceeded its instruction budget of {limits.LuaInstructionBudget}";
                StopKind = RuleFailureKind.WorkBudget;
            }
        }

        return CheckClock();
    }

    /// <summary>False (and the stop reason set) once the run's time is up or it was stopped before.</summary>
    public bool CheckClock()
    {
        if (StopReason is null && Stopwatch.GetTimestamp() > _deadline)
        {
            StopReason = $"exceeded its time budget of {limits.ScriptTimeBudget.TotalMilliseconds:0.###} ms";
            StopKind = RuleFailureKind.TimeBudget;
        }

        return StopReason is null;
    }
}
