namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// Rejects, before compiling, the names that reach dynamic code or module loading (eval, Function,
/// constructor, __proto__, with, import, require), the reserved <c>__worcr</c> prefix of the host's
/// helpers, and backslash escapes in code (<c>\u0065val</c> is <c>eval</c>). Strings naming them are
/// rejected too, so <c>f['constructor']</c> fails here with a clear message. The sandbox prelude also
/// disables eval/Function at run time, for names built dynamically.
/// </summary>
internal static class JsForbiddenConstructs
{
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["eval"] = "runs code that was not checked",
        ["Function"] = "runs code that was not checked",
        ["constructor"] = "reaches the Function constructor",
        ["__proto__"] = "changes prototypes",
        ["with"] = "makes names ambiguous",
        ["import"] = "loads modules",
        ["require"] = "loads modules",
    };

    public const string ReservedPrefix = "__worcr";

    /// <summary>Jurassic's parser recurses per nesting level on the real stack; a deep nest would overflow it.</summary>
    public const int MaxNesting = 64;

    private static readonly HashSet<string> RegexEntryPoints = new(StringComparer.Ordinal) { "RegExp", "match", "matchAll", "search" };

    /// <param name="regexAllowed">False when .NET regexes in this process have no match timeout (see RegexTimeout).</param>
    public static void Check(IReadOnlyList<JsToken> tokens, bool regexAllowed)
    {
        var nesting = 0;
        foreach (var token in tokens)
        {
            CheckToken(token);
            if (!regexAllowed)
            {
                CheckNoRegex(token);
            }

            nesting += NestingChange(token);
            if (nesting > MaxNesting)
            {
                throw new JsSyntaxError($"brackets are nested deeper than {MaxNesting} levels", token.Line);
            }
        }
    }

    private static void CheckNoRegex(JsToken token)
    {
        if (token.Kind == JsTokenKind.Regex || (token.Kind == JsTokenKind.Word && RegexEntryPoints.Contains(token.Text)))
        {
            throw new JsSyntaxError(
                "regular expressions are not available: this process has no regex match timeout " +
                "(set AppContext REGEX_DEFAULT_MATCH_TIMEOUT before the first Regex is used, see docs/rules.md)",
                token.Line);
        }
    }

    private static int NestingChange(JsToken token) => token.Kind switch
    {
        JsTokenKind.Punctuator when token.Text is "(" or "[" or "{" => 1,
        JsTokenKind.Punctuator when token.Text is ")" or "]" or "}" => -1,
        _ => 0,
    };

    private static void CheckToken(JsToken token)
    {
        switch (token.Kind)
        {
            case JsTokenKind.Word when Reasons.TryGetValue(token.Text, out var reason):
                throw new JsSyntaxError($"'{token.Text}' is not allowed in rules: it {reason}", token.Line);
            case JsTokenKind.String or JsTokenKind.TemplateText when Reasons.ContainsKey(token.Text):
                throw new JsSyntaxError($"the string '{token.Text}' is not allowed in rules: it names a forbidden property", token.Line);
            case JsTokenKind.Word when token.Text.StartsWith(ReservedPrefix, StringComparison.Ordinal):
                throw new JsSyntaxError($"names starting with '{ReservedPrefix}' are reserved for the host", token.Line);
            case JsTokenKind.Punctuator when token.Text == "\\":
                throw new JsSyntaxError("escape sequences are only allowed inside strings", token.Line);
        }
    }
}
