using System.Runtime.InteropServices;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// Counts the bytes one Lua state holds and, while a script runs, refuses growth past the limit, any block over
/// <see cref="LargestBlockBytes"/>, and large blocks once the run's time is up.
/// The cap is off while the host pushes arguments and reads results: a refused allocation there would
/// raise a Lua error outside protected mode, which aborts the process.
/// </summary>
internal sealed class LuaMemoryAccount : IDisposable
{
    private GCHandle _handle;

    public LuaMemoryAccount(long limitBytes)
    {
        LimitBytes = limitBytes;
        _handle = GCHandle.Alloc(this);
    }

    public long LimitBytes { get; }

    public long UsedBytes { get; private set; }

    public bool Enforcing { get; set; }

    /// <summary>The opaque pointer the allocator receives to find this account.</summary>
    public IntPtr Handle => GCHandle.ToIntPtr(_handle);

    public static LuaMemoryAccount FromHandle(IntPtr handle) => (LuaMemoryAccount)GCHandle.FromIntPtr(handle).Target!;

    /// <summary>
    /// The largest single block (a string, a table's array or hash part, a stack) a running rule may allocate.
    /// It bounds the work one VM instruction or library call can do on one object (a comparison, a copy, a
    /// scan), which is what lets the budget's clock checks every few instructions hold.
    /// </summary>
    public const long LargestBlockBytes = 1024 * 1024;

    /// <summary>Blocks at least this big have the run's clock checked before they are granted.</summary>
    private const long ClockCheckBytes = 64 * 1024;

    public bool MayGrow(long newSize, long growth)
    {
        if (!Enforcing || growth <= 0)
        {
            return true;
        }

        if (newSize >= ClockCheckBytes && LuaCallBudget.Current is { } budget && !budget.CheckClock())
        {
            LuaBudgetHook.FireSoon(budget.Coroutine); // stop at the next instruction instead of the next slice
            return false;
        }

        return newSize <= LargestBlockBytes && UsedBytes + growth <= LimitBytes;
    }

    public void Record(long growth) => UsedBytes += growth;

    /// <summary>Call only after the Lua state is closed: closing frees memory through this account.</summary>
    public void Dispose()
    {
        if (_handle.IsAllocated)
        {
            _handle.Free();
        }
    }
}
