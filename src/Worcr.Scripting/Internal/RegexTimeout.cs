using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Worcr.Scripting.Internal;

/// <summary>
/// Jurassic runs JavaScript regular expressions on .NET's Regex, outside any guard: a catastrophic pattern
/// ran for 24 s. .NET reads REGEX_DEFAULT_MATCH_TIMEOUT once, when Regex is first used in the process,
/// so this is set as soon as this assembly loads. A host that uses Regex earlier must set the same
/// AppContext value at its start (see docs/rules.md); <see cref="IsEffective"/> tells whether it took.
/// When it did not, JavaScript rules that use regular expressions are refused at compile time.
/// </summary>
internal static class RegexTimeout
{
    public const string Key = "REGEX_DEFAULT_MATCH_TIMEOUT";

    public static readonly TimeSpan Default = TimeSpan.FromMilliseconds(250);

    private static readonly Lazy<bool> Effective = new(() => new Regex("x").MatchTimeout != Regex.InfiniteMatchTimeout);

    /// <summary>True when regular expressions in this process stop at a default match timeout.</summary>
    public static bool IsEffective => Effective.Value;

#pragma warning disable CA2255 // deliberate: the timeout only works if set before the process's first Regex
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void EnsureConfigured()
    {
        if (AppContext.GetData(Key) is null)
        {
            AppContext.SetData(Key, Default);
        }
    }
}
