namespace Worcr.Scripting.Internal;

/// <summary>
/// A script's return value in plain .NET form, shared by both hosts: null, bool, double, string,
/// <see cref="List{T}"/> of values (arrays / sequence tables) or <see cref="Dictionary{TKey,TValue}"/> keyed by string.
/// </summary>
internal static class ScriptValues
{
    /// <summary>Largest table/array a rule may return; bigger results are a bug, not a decision.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>Deepest nesting a rule result may have.</summary>
    public const int MaxDepth = 16;

    /// <summary>Values one result may hold in all, nested ones included (see <see cref="ResultBudget"/>).</summary>
    public const int MaxTotalValues = 100_000;

    /// <summary>Bytes of strings (keys included) one result may hold in all: UTF-8 in Lua, UTF-16 in JavaScript.</summary>
    public const long MaxTotalTextBytes = 1024 * 1024;

    public static string Describe(object? value, RuleLanguage language) => value switch
    {
        null => language == RuleLanguage.Lua ? "nil" : "undefined",
        bool => "a boolean",
        double => "a number",
        string => "a string",
        List<object?> => language == RuleLanguage.Lua ? "a table" : "an array",
        Dictionary<string, object?> => language == RuleLanguage.Lua ? "a table" : "an object",
        _ => "an unsupported value",
    };
}
