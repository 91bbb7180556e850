namespace Worcr.Scripting.Internal;

/// <summary>Builds the "rule 'name' (lua)" prefix every error message starts with, so logs say which rule failed.</summary>
internal static class RuleLabel
{
    public static string Of(RuleSource source) => $"rule '{source.Name}' ({LanguageTag(source.Language)})";

    public static string LanguageTag(RuleLanguage language) => language == RuleLanguage.Lua ? "lua" : "js";

    public static RuleExecutionException Failure(RuleSource source, string cause, Exception? inner = null) =>
        new(source.Name, $"{Of(source)} {cause}", inner);
}
