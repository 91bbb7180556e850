using System.Runtime.InteropServices;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// The instruction budget. A count hook fires once the budget is spent and *yields* the rule's coroutine:
/// the yield unwinds through Lua's own C frames only (never through this managed frame, which has already
/// returned), and it passes straight through a script's pcall. Where the VM cannot yield (Lua called from a
/// C function without a continuation) the hook re-arms itself to fire on every instruction, so the yield
/// happens at the first instruction where it can. The sandbox leaves out the C functions that call back
/// into Lua without one (xpcall handlers, table.sort comparators), so that point always comes.
/// </summary>
internal static class LuaBudgetHook
{
    // Kept in static fields so the GC never collects a delegate native code still points at.
    private static readonly LuaNative.HookFunction Hook = OnCount;
    private static readonly IntPtr HookPointer = Marshal.GetFunctionPointerForDelegate(Hook);

    /// <summary>Arms the hook on a coroutine: it fires after <paramref name="instructions"/> VM instructions.</summary>
    public static void Arm(IntPtr coroutine, int instructions) =>
        LuaNative.SetHook(coroutine, HookPointer, LuaNative.CountMask, instructions);

    public static void Disarm(IntPtr coroutine) => LuaNative.SetHook(coroutine, IntPtr.Zero, 0, 0);

    private static void OnCount(IntPtr state, IntPtr debugInfo)
    {
        if (LuaNative.IsYieldable(state) != 0)
        {
            LuaNative.YieldK(state, 0, IntPtr.Zero, IntPtr.Zero);
            return;
        }

        LuaNative.SetHook(state, HookPointer, LuaNative.CountMask, 1);
    }
}
