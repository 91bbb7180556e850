namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// <c>charge(units)</c>, the C function the sandbox's library wrappers call before work the instruction hook
/// cannot see (a C function runs as one instruction however long it takes). It spends the units from the run's
/// budget and returns false once the run must stop; the wrapper then yields, which stops the run the same way
/// the hook does. It never raises a Lua error: that would unwind through this managed frame.
/// </summary>
internal static class LuaCharge
{
    public const string GlobalName = "__worcr_charge";

    // Kept in a static field so the GC never collects a delegate native code still points at.
    public static readonly KeraLua.LuaFunction Function = Charge;

    private static int Charge(IntPtr state)
    {
        var budget = LuaCallBudget.Current;
        var units = LuaNative.ToNumber(state, 1, IntPtr.Zero);
        var mayGoOn = budget is null || budget.Spend(double.IsNaN(units) ? 0 : units);
        LuaNative.PushBoolean(state, mayGoOn ? 1 : 0);
        return 1;
    }
}
