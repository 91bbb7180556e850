using System.Runtime.InteropServices;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// The few Lua C calls the budget hook and the charge function make on a raw state pointer. Called directly so the hook
/// never needs a managed wrapper for the state it is called on.
/// </summary>
internal static class LuaNative
{
    private const string Library = "lua54"; // the native library KeraLua ships and loads

    public const int CountMask = 1 << 3; // LUA_MASKCOUNT

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void HookFunction(IntPtr state, IntPtr debugInfo);

    [DllImport(Library, EntryPoint = "lua_isyieldable", CallingConvention = CallingConvention.Cdecl)]
    public static extern int IsYieldable(IntPtr state);

    [DllImport(Library, EntryPoint = "lua_yieldk", CallingConvention = CallingConvention.Cdecl)]
    public static extern int YieldK(IntPtr state, int results, IntPtr context, IntPtr continuation);

    [DllImport(Library, EntryPoint = "lua_tonumberx", CallingConvention = CallingConvention.Cdecl)]
    public static extern double ToNumber(IntPtr state, int index, IntPtr isNumber);

    [DllImport(Library, EntryPoint = "lua_pushboolean", CallingConvention = CallingConvention.Cdecl)]
    public static extern void PushBoolean(IntPtr state, int value);

    [DllImport(Library, EntryPoint = "lua_sethook", CallingConvention = CallingConvention.Cdecl)]
    public static extern void SetHook(IntPtr state, IntPtr hook, int mask, int count);
}
