using Jurassic;
using Jurassic.Library;

namespace Worcr.Scripting.Internal.Js;

/// <summary>Copies a Jurassic return value into plain .NET values (see <see cref="ScriptValues"/>).</summary>
internal static class JsValueReader
{
    public static object? Read(object? value, int depth = 0) => value switch
    {
        null or Undefined or Null => null,
        bool flag => flag,
        int number => (double)number,
        double number => number,
        string text => text,
        ConcatenatedString text => text.ToString(),
        FunctionInstance => throw new ScriptFailure("returned a function, which a rule cannot return"),
        ArrayInstance array => ReadArray(array, depth + 1),
        ObjectInstance record => ReadObject(record, depth + 1),
        _ => throw new ScriptFailure($"returned an unsupported value ({value.GetType().Name})"),
    };

    private static List<object?> ReadArray(ArrayInstance array, int depth)
    {
        RequireSize(depth, array.Length);
        var items = new List<object?>((int)array.Length);
        for (uint i = 0; i < array.Length; i++)
        {
            items.Add(Read(array[i], depth));
        }

        return items;
    }

    private static Dictionary<string, object?> ReadObject(ObjectInstance record, int depth)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in record.Properties.Where(p => p.IsEnumerable))
        {
            RequireSize(depth, (uint)fields.Count + 1);
            fields[property.Key.ToString() ?? string.Empty] = Read(property.Value, depth);
        }

        return fields;
    }

    private static void RequireSize(int depth, uint entries)
    {
        if (depth > ScriptValues.MaxDepth)
        {
            throw new ScriptFailure($"returned values nested deeper than {ScriptValues.MaxDepth}");
        }

        if (entries > ScriptValues.MaxEntries)
        {
            throw new ScriptFailure($"returned an array or object with more than {ScriptValues.MaxEntries} entries");
        }
    }
}
