using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Worcr.Postgres;

/// <summary>One numbered forward-only migration embedded from Migrations/NNN_name.up.sql.</summary>
internal sealed partial record MigrationScript(int Version, string Name, string Sql)
{
    public static IReadOnlyList<MigrationScript> LoadAll()
    {
        var assembly = typeof(MigrationScript).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(resource => (resource, match: ResourceName().Match(resource)))
            .Where(x => x.match.Success)
            .Select(x => new MigrationScript(
                int.Parse(x.match.Groups["version"].Value, CultureInfo.InvariantCulture),
                x.match.Groups["name"].Value,
                Read(assembly, x.resource)))
            .OrderBy(m => m.Version)
            .ToArray();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"(?<version>\d+)_(?<name>[a-z0-9_]+)\.up\.sql$")]
    private static partial Regex ResourceName();
}
