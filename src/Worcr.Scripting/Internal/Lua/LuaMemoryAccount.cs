using System.Runtime.InteropServices;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// Counts the bytes one Lua state holds and refuses growth past the limit while a script runs.
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

    public bool MayGrow(long growth) => !Enforcing || growth <= 0 || UsedBytes + growth <= LimitBytes;

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
