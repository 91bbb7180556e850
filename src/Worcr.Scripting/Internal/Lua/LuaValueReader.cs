using KeraLua;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// Copies a Lua return value into plain .NET values (see <see cref="ScriptValues"/>), within one
/// <see cref="ResultBudget"/> for the whole value: it is read after the run's budget has ended.
/// </summary>
internal static class LuaValueReader
{
    public static object? Read(KeraLua.Lua lua, int index) => Read(lua, index, 0, new ResultBudget());

    private static object? Read(KeraLua.Lua lua, int index, int depth, ResultBudget budget)
    {
        budget.CountValue();
        return lua.Type(index) switch
        {
            LuaType.None or LuaType.Nil => null,
            LuaType.Boolean => lua.ToBoolean(index),
            LuaType.Number => lua.ToNumber(index),
            LuaType.String => ReadString(lua, index, budget),
            LuaType.Table => ReadTable(lua, lua.AbsIndex(index), depth + 1, budget),
            var other => throw new ScriptFailure(
                $"returned a {other.ToString().ToLowerInvariant()}, which a rule cannot return"),
        };
    }

    /// <summary>A string value or key, counted before it is copied.</summary>
    private static string ReadString(KeraLua.Lua lua, int index, ResultBudget budget)
    {
        budget.CountText((long)lua.RawLen(index));
        return lua.ToString(index, false);
    }

    private static object ReadTable(KeraLua.Lua lua, int table, int depth, ResultBudget budget)
    {
        if (depth > ScriptValues.MaxDepth || !lua.CheckStack(4))
        {
            throw new ScriptFailure($"returned tables nested deeper than {ScriptValues.MaxDepth}");
        }

        var positional = new SortedDictionary<long, object?>();
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        lua.PushNil();
        while (lua.Next(table))
        {
            // Reading the key with ToString would convert a number key in place and break lua_next.
            AddEntry(lua, positional, named, depth, budget);
            lua.Pop(1);
        }

        return Shape(positional, named);
    }

    private static void AddEntry(KeraLua.Lua lua, SortedDictionary<long, object?> positional, Dictionary<string, object?> named, int depth, ResultBudget budget)
    {
        if (positional.Count + named.Count >= ScriptValues.MaxEntries)
        {
            throw new ScriptFailure($"returned a table with more than {ScriptValues.MaxEntries} entries");
        }

        var value = Read(lua, -1, depth, budget);
        switch (lua.Type(-2))
        {
            case LuaType.String:
                named[ReadString(lua, -2, budget)] = value;
                break;
            case LuaType.Number when lua.IsInteger(-2):
                positional[lua.ToInteger(-2)] = value;
                break;
            default:
                throw new ScriptFailure("returned a table with keys that are neither strings nor whole numbers");
        }
    }

    private static object Shape(SortedDictionary<long, object?> positional, Dictionary<string, object?> named)
    {
        if (positional.Count == 0)
        {
            return named.Count == 0 ? new List<object?>() : named;
        }

        var isSequence = named.Count == 0 && positional.Keys.First() == 1 && positional.Keys.Last() == positional.Count;
        return isSequence
            ? positional.Values.ToList()
            : throw new ScriptFailure("returned a table that is neither a list (keys 1..n) nor a record (string keys)");
    }
}
