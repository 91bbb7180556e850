using Worcr.Scripting.Internal;
using Worcr.Scripting.Internal.Js;
using Worcr.Scripting.Internal.Lua;

namespace Worcr.Scripting;

/// <summary>Compiles rule sources into sandboxed, ready-to-call rules. Errors surface here, before a rule goes live.</summary>
public static class RuleCompiler
{
    /// <exception cref="RuleCompileException">Syntax error, missing function, forbidden construct or oversized code.</exception>
    public static ICompiledRule Compile(RuleSource source, SandboxLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        limits ??= SandboxLimits.Default;
        limits.Validate();
        RequireWellFormed(source, limits);
        return source.Language switch
        {
            RuleLanguage.Lua => LuaCompiledRule.Compile(source, limits),
            RuleLanguage.JavaScript => JsCompiledRule.Compile(source, limits),
            _ => throw new ArgumentOutOfRangeException(nameof(source), source.Language, "unknown rule language"),
        };
    }

    private static void RequireWellFormed(RuleSource source, SandboxLimits limits)
    {
        if (string.IsNullOrWhiteSpace(source.Name))
        {
            throw new RuleCompileException(source.Name ?? string.Empty, "A rule needs a name.");
        }

        if (source.Code is null || source.Code.Length > limits.MaxCodeLength)
        {
            throw new RuleCompileException(
                source.Name,
                $"{RuleLabel.Of(source)} is {source.Code?.Length ?? 0} characters long; the limit is {limits.MaxCodeLength} (SandboxLimits.MaxCodeLength)");
        }
    }
}
