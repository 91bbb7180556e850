using Worcr.Scripting;

namespace Worcr.Server.Rules;

/// <summary>The words rules are stored and shown with ("weight", "lua", "tag_match", ...), in one place.</summary>
internal static class RuleNames
{
    public const string TagMatch = "tag_match";

    public static string Kind(RuleKind kind) => kind switch
    {
        RuleKind.Weight => "weight",
        RuleKind.Enqueue => "enqueue",
        RuleKind.Retry => "retry",
        RuleKind.LimitKey => "limit_key",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static RuleKind? ParseKind(string kind) => kind switch
    {
        "weight" => RuleKind.Weight,
        "enqueue" => RuleKind.Enqueue,
        "retry" => RuleKind.Retry,
        "limit_key" => RuleKind.LimitKey,
        _ => null,
    };

    public static string Language(RuleLanguage language) => language == RuleLanguage.Lua ? "lua" : "javascript";

    public static RuleLanguage? ParseLanguage(string language) => language switch
    {
        "lua" => RuleLanguage.Lua,
        "javascript" or "js" => RuleLanguage.JavaScript,
        _ => null,
    };
}
