using System.Text.RegularExpressions;

namespace Worcr.Admin;

/// <summary>Rule names the API accepts: safe in URLs, file names and logs without escaping.</summary>
internal static partial class RuleNameFormat
{
    public const string Description = "1 to 100 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,99}\z")]
    private static partial Regex Pattern();
}
