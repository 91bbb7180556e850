using Worcr.Scripting.Internal;

namespace Worcr.Scripting;

/// <summary>
/// Reads one rule per <c>.lua</c> / <c>.js</c> file. The leading comment gives the rule's name, kind and
/// order: <c>-- worcr-rule: name=premium-boost kind=weight order=10</c> (Lua) or
/// <c>// worcr-rule: name=... kind=... order=...</c> (JS). Other files are ignored. This only reads;
/// compile the sources with <see cref="RuleCompiler"/>.
/// </summary>
public static class RuleFileLoader
{
    /// <exception cref="RuleFileException">A header is missing or wrong, or two files use the same name.</exception>
    public static IReadOnlyList<RuleSource> LoadDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"The rules directory '{path}' does not exist.");
        }

        var rules = Directory.EnumerateFiles(path)
            .Where(file => LanguageOf(file) is not null)
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();
        RequireUniqueNames(rules);
        return [.. rules.Select(rule => rule.Source)];
    }

    /// <exception cref="RuleFileException">The header is missing or wrong.</exception>
    public static RuleSource LoadFile(string file) => Load(file).Source;

    private static (string File, RuleSource Source) Load(string file)
    {
        var language = LanguageOf(file) ?? throw new RuleFileException(file, $"{file}: only .lua and .js files hold rules.");
        var code = File.ReadAllText(file);
        var header = RuleFileHeader.Parse(file, code, language);
        return (file, new RuleSource(header.Name, header.Kind, language, code, header.Order));
    }

    private static RuleLanguage? LanguageOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".lua" => RuleLanguage.Lua,
        ".js" => RuleLanguage.JavaScript,
        _ => null,
    };

    private static void RequireUniqueNames(List<(string File, RuleSource Source)> rules)
    {
        var duplicate = rules.GroupBy(rule => rule.Source.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            var files = duplicate.Select(rule => rule.File).ToList();
            throw new RuleFileException(files[1], $"{files[1]}: the rule name '{duplicate.Key}' is already used by {files[0]}.");
        }
    }
}
