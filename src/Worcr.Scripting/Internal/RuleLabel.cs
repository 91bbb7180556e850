namespace Worcr.Scripting.Internal;

/// <summary>
/// Builds the messages a rule's failures become, each starting "rule 'name' (lua)" so logs say which rule failed.
/// Every cause passes through here, and is cut to <see cref="MaxCauseLength"/>.
/// </summary>
internal static class RuleLabel
{
    /// <summary>
    /// Longest cause a message carries. A rule chooses its error's text: a 30-million-character message was logged,
    /// returned by explain and cached with each dispatch decision.
    /// </summary>
    public const int MaxCauseLength = 1024;

    /// <summary>Characters kept from the end of a cut cause, where its line number is.</summary>
    private const int KeptEnd = 64;

    public static string Of(RuleSource source) => $"rule '{source.Name}' ({LanguageTag(source.Language)})";

    public static string LanguageTag(RuleLanguage language) => language == RuleLanguage.Lua ? "lua" : "js";

    public static RuleExecutionException Failure(RuleSource source, string cause, Exception? inner = null) =>
        new(source.Name, $"{Of(source)} {Bounded(cause)}", inner);

    /// <summary>A call stopped by <paramref name="failure"/>, keeping which budget (if any) ran out.</summary>
    public static RuleExecutionException Failure(RuleSource source, ScriptFailure failure) =>
        new(source.Name, $"{Of(source)} {Bounded(failure.Message)}", failure, failure.Kind);

    /// <summary>The rule's top-level code failed while a state or engine loaded it.</summary>
    public static RuleCompileException LoadFailure(RuleSource source, ScriptFailure failure) =>
        new(source.Name, $"{Of(source)} failed while loading: {Bounded(failure.Message)}", failure.Line, failure);

    private static string Bounded(string cause)
    {
        if (cause.Length <= MaxCauseLength)
        {
            return cause;
        }

        var start = MaxCauseLength - KeptEnd;
        var end = cause.Length - KeptEnd;
        start -= char.IsHighSurrogate(cause[start - 1]) ? 1 : 0; // never split a surrogate pair
        end += char.IsLowSurrogate(cause[end]) ? 1 : 0;
        return $"{cause[..start]} … ({end - start} characters cut) … {cause[end..]}";
    }
}
