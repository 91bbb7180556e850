using System.Runtime.InteropServices;
using KeraLua;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// The allocator every rule state uses (<c>lua_Alloc</c>): realloc/free with per-state accounting.
/// Returning zero makes Lua raise "not enough memory", which the state survives.
/// </summary>
internal static class LuaAllocator
{
    // Static so the delegate outlives every state that native code may call it from.
    public static readonly LuaAlloc Function = Allocate;

    private static IntPtr Allocate(IntPtr userData, IntPtr block, UIntPtr oldSize, UIntPtr newSize)
    {
        var account = LuaMemoryAccount.FromHandle(userData);
        // For a new block Lua passes the kind of object in oldSize, not a size.
        var previous = block == IntPtr.Zero ? 0L : (long)oldSize;
        if (newSize == UIntPtr.Zero)
        {
            Free(block);
            account.Record(-previous);
            return IntPtr.Zero;
        }

        var growth = (long)newSize - previous;
        if (!account.MayGrow((long)newSize, growth))
        {
            return IntPtr.Zero;
        }

        var result = Reallocate(block, newSize);
        if (result != IntPtr.Zero)
        {
            account.Record(growth);
        }

        return result;
    }

    private static IntPtr Reallocate(IntPtr block, UIntPtr size)
    {
        try
        {
            return block == IntPtr.Zero
                ? Marshal.AllocHGlobal((nint)size)
                : Marshal.ReAllocHGlobal(block, (nint)size);
        }
        catch (OutOfMemoryException)
        {
            return IntPtr.Zero; // never let an exception cross back into Lua's C frames
        }
    }

    private static void Free(IntPtr block)
    {
        if (block != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(block);
        }
    }
}
