using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// Copies a rule's return value into plain .NET values (see <see cref="ScriptValues"/>), within one
/// <see cref="ResultBudget"/> for the whole value. Only own data properties are read: a getter or a proxy trap
/// would run script after the call, so returning one is an error.
/// </summary>
internal static class JsValueReader
{
    public static object? Read(JsValue value) => Read(value, 0, new ResultBudget());

    private static object? Read(JsValue value, int depth, ResultBudget budget)
    {
        budget.CountValue();
        return value.Type switch
        {
            Jint.Runtime.Types.Undefined or Jint.Runtime.Types.Null or Jint.Runtime.Types.Empty => null,
            Jint.Runtime.Types.Boolean => value.AsBoolean(),
            Jint.Runtime.Types.Number => value.AsNumber(),
            Jint.Runtime.Types.String => ReadString(value, budget),
            Jint.Runtime.Types.Object => ReadObject(value.AsObject(), depth + 1, budget),
            _ => throw new ScriptFailure($"returned an unsupported value ({value.Type})"),
        };
    }

    /// <summary>Counted before it is copied: a deferred string's length is known before its characters exist.</summary>
    private static string ReadString(JsValue value, ResultBudget budget)
    {
        budget.CountText(sizeof(char) * (long)((JsString)value).Length);
        return value.ToString();
    }

    private static object ReadObject(ObjectInstance value, int depth, ResultBudget budget)
    {
        if (value is Jint.Native.Function.Function)
        {
            throw new ScriptFailure("returned a function, which a rule cannot return");
        }

        // Plain objects and arrays only: a proxy's traps or an exotic object's hooks would run script here.
        if (value is not (JsObject or JsArray))
        {
            throw new ScriptFailure($"returned an unsupported object ({value.GetType().Name.Replace("Js", string.Empty, StringComparison.Ordinal)})");
        }

        if (depth > ScriptValues.MaxDepth)
        {
            throw new ScriptFailure($"returned values nested deeper than {ScriptValues.MaxDepth}");
        }

        return value is JsArray array ? ReadArray(array, depth, budget) : ReadRecord(value, depth, budget);
    }

    private static List<object?> ReadArray(JsArray array, int depth, ResultBudget budget)
    {
        var length = array.Length;
        RequireSize(length);
        var items = new List<object?>((int)length);
        for (uint i = 0; i < length; i++)
        {
            items.Add(Read(DataValue(array.GetOwnProperty(i)), depth, budget));
        }

        return items;
    }

    private static Dictionary<string, object?> ReadRecord(ObjectInstance record, int depth, ResultBudget budget)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, descriptor) in record.GetOwnProperties())
        {
            if (!descriptor.Enumerable || key.IsSymbol())
            {
                continue;
            }

            RequireSize((uint)fields.Count + 1);
            var name = key.ToString();
            budget.CountText(sizeof(char) * (long)name.Length);
            fields[name] = Read(DataValue(descriptor), depth, budget);
        }

        return fields;
    }

    private static JsValue DataValue(Jint.Runtime.Descriptors.PropertyDescriptor descriptor) =>
        descriptor.IsAccessorDescriptor()
            ? throw new ScriptFailure("returned an object with a getter or setter, which a rule cannot return")
            : descriptor.Value ?? JsValue.Undefined;

    private static void RequireSize(ulong entries)
    {
        if (entries > ScriptValues.MaxEntries)
        {
            throw new ScriptFailure($"returned an array or object with more than {ScriptValues.MaxEntries} entries");
        }
    }
}
