using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Worcr.Server.Hosting;

/// <summary>
/// Node settings through Microsoft.Extensions.Configuration, section "Worcr". Sources, later ones win:
/// appsettings.json; environment variables in the standard form (<c>Worcr__LeaseDuration</c>); the short
/// WORCR_* variables (<see cref="NodeEnvironmentVariables"/>), each also as WORCR_*_FILE naming a file that holds
/// the value (secrets mounted by Docker or Kubernetes); command-line flags. A value that does not fit its
/// setting, or a setting that does not exist, is an error naming both.
/// </summary>
public static class NodeConfiguration
{
    public const string Section = "Worcr";

    /// <summary>Where a comma-separated JobTypes from the environment or flags waits to replace the file's list.</summary>
    private const string ReplacedJobTypes = "WorcrReplaced:JobTypes";

    /// <summary>Adds every source of node settings, in precedence order, to <paramref name="builder"/>.</summary>
    /// <param name="environment">The environment variables (tests pass their own; null reads the process's).</param>
    /// <param name="commandLine">Settings given as flags: setting name → value.</param>
    public static IConfigurationBuilder AddNodeSettings(this IConfigurationBuilder builder, string appSettingsPath = "appsettings.json",
        IDictionary? environment = null, IReadOnlyDictionary<string, string?>? commandLine = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        builder.AddJsonFile(Path.GetFullPath(appSettingsPath), optional: true, reloadOnChange: false);
        builder.AddInMemoryCollection(StandardFormVariables(environment));
        builder.AddInMemoryCollection(ShortVariables(environment));
        builder.AddInMemoryCollection(Settings(commandLine ?? new Dictionary<string, string?>(), "command line"));
        return builder;
    }

    /// <summary>Reads all sources and binds them (not yet validated: <see cref="NodeOptions.Validate"/> runs at start).</summary>
    public static NodeOptions Load(string appSettingsPath = "appsettings.json", IDictionary? environment = null,
        IReadOnlyDictionary<string, string?>? commandLine = null) =>
        Bind(new ConfigurationBuilder().AddNodeSettings(appSettingsPath, environment, commandLine).Build());

    /// <summary>Binds section "Worcr" onto a fresh <see cref="NodeOptions"/> (defaults for what is not given).</summary>
    public static NodeOptions Bind(IConfiguration configuration)
    {
        var options = new NodeOptions();
        var section = configuration.GetSection(Section);
        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException($"Invalid node settings:\n- {exception.Message} Settings are described in deploy/appsettings.example.json.", exception);
        }
        if (configuration[ReplacedJobTypes] is { } jobTypes)
        {
            options.JobTypes = jobTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        return options;
    }

    /// <summary>Worcr__X (or WORCR__X) variables, the .NET convention, for every setting.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> StandardFormVariables(IDictionary environment)
    {
        const string prefix = Section + "__";
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && entry.Value is string value)
            {
                yield return new($"{Section}:{name[prefix.Length..].Replace("__", ":", StringComparison.Ordinal)}", value);
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, string?>> ShortVariables(IDictionary environment)
    {
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (variable, setting) in NodeEnvironmentVariables.Map)
        {
            if (environment[variable] is string { Length: > 0 } value) given[setting] = value;
            if (environment[variable + NodeEnvironmentVariables.FileSuffix] is string { Length: > 0 } path)
            {
                if (given.ContainsKey(setting))
                {
                    throw new InvalidOperationException($"environment: set {variable} or {variable}{NodeEnvironmentVariables.FileSuffix}, not both.");
                }
                given[setting] = ReadSecretFile(variable + NodeEnvironmentVariables.FileSuffix, path);
            }
        }
        return Settings(given, "environment");
    }

    /// <summary>
    /// The value of a WORCR_*_FILE variable: the file's text without its final line break (a Docker or Kubernetes
    /// secret mounted as a file), so secrets never sit in the environment or in a compose file.
    /// </summary>
    private static string ReadSecretFile(string variable, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"environment: {variable} names '{path}', which cannot be read ({exception.Message}).", exception);
        }
        text = text.TrimEnd('\r', '\n');
        if (text.Length == 0) throw new InvalidOperationException($"environment: {variable} names '{path}', which is empty.");
        return text;
    }

    /// <summary>
    /// Flat "Setting → text" pairs as configuration keys. Lists come as "a,b" and maps as "a=b,c=d" or a JSON
    /// object, the forms the short variables have always accepted.
    /// </summary>
    private static Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?> given, string source)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (setting, value) in given)
        {
            if (value is null) continue;
            var key = $"{Section}:{setting}";
            switch (setting)
            {
                case nameof(NodeOptions.JobTypes):
                    // A list given here replaces the file's list; indexed keys would merge with it item by item.
                    keys[ReplacedJobTypes] = value;
                    break;
                case nameof(NodeOptions.FairnessByJobType):
                case nameof(NodeOptions.RetentionByJobType):
                case nameof(NodeOptions.RetentionByTenant):
                    foreach (var (name, entry) in ParseMap(value, setting, source)) keys[$"{key}:{name}"] = entry;
                    break;
                default:
                    keys[key] = value;
                    break;
            }
        }
        return keys;
    }

    /// <summary>A map from a JSON object ({"a": "b"}) or from "a=b,c=d".</summary>
    private static Dictionary<string, string> ParseMap(string value, string setting, string source)
    {
        try
        {
            if (value.TrimStart().StartsWith('{'))
            {
                return JsonSerializer.Deserialize(value, ServerJsonContext.Default.DictionaryStringString) ?? new Dictionary<string, string>();
            }
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0) throw new FormatException($"'{pair}' is not name=value");
                map[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
            }
            return map;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            throw new InvalidOperationException($"{source}: '{value}' is not a valid value for {setting} ({exception.Message}); write name=value,name=value or a JSON object.", exception);
        }
    }
}
