namespace Worcr.Scripting.Internal;

/// <summary>The function each rule kind must define; the same names in Lua and JavaScript.</summary>
internal static class RuleFunctionNames
{
    public static string For(RuleKind kind) => kind switch
    {
        RuleKind.Weight => "weight",
        RuleKind.Enqueue => "on_enqueue",
        RuleKind.Retry => "retry",
        RuleKind.LimitKey => "limit_keys",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown rule kind"),
    };
}
