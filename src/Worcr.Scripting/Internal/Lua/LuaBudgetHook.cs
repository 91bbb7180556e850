using System.Runtime.InteropServices;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// The instruction and time budget. A count hook fires after each slice of instructions, spends the slice from
/// the <see cref="LuaCallBudget"/> in force and checks the clock; once the budget is spent it *yields* the rule's
/// coroutine: the yield unwinds through Lua's own C frames only (never through this managed frame, which has
/// already returned), and it passes straight through a script's pcall. Where the VM cannot yield (Lua called from
/// a C function without a continuation) the hook re-arms itself to fire on every instruction, so the yield
/// happens at the first instruction where it can. The sandbox leaves out the C functions that call back into Lua
/// without one (xpcall handlers, sort comparators, metatables), so that point always comes.
/// </summary>
internal static class LuaBudgetHook
{
    // Kept in static fields so the GC never collects a delegate native code still points at.
    private static readonly LuaNative.HookFunction Hook = OnCount;
    private static readonly IntPtr HookPointer = Marshal.GetFunctionPointerForDelegate(Hook);

    /// <summary>Arms the hook on the budget's coroutine for its first slice.</summary>
    public static void Arm(LuaCallBudget budget) =>
        LuaNative.SetHook(budget.Coroutine, HookPointer, LuaNative.CountMask, budget.NextSlice());

    /// <summary>Makes the hook fire at the next instruction (after a charge or an allocation stopped the run).</summary>
    public static void FireSoon(IntPtr coroutine) => LuaNative.SetHook(coroutine, HookPointer, LuaNative.CountMask, 1);

    public static void Disarm(IntPtr coroutine) => LuaNative.SetHook(coroutine, IntPtr.Zero, 0, 0);

    private static void OnCount(IntPtr state, IntPtr debugInfo)
    {
        var budget = LuaCallBudget.Current;
        if (budget is null || budget.Spend(budget.ArmedCount))
        {
            if (budget is not null)
            {
                LuaNative.SetHook(state, HookPointer, LuaNative.CountMask, budget.NextSlice());
            }

            return;
        }

        if (LuaNative.IsYieldable(state) != 0)
        {
            LuaNative.YieldK(state, 0, IntPtr.Zero, IntPtr.Zero);
            return;
        }

        FireSoon(state);
    }
}
