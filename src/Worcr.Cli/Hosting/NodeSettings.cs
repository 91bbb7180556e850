using System.Globalization;
using System.Text.Json;
using Worcr.Server.Hosting;

namespace Worcr.Cli.Hosting;

/// <summary>
/// Node settings from appsettings.json (section "Worcr", property names as in <see cref="NodeOptions"/>) and
/// then WORCR_* environment variables, which win. Command-line flags are applied on top by the command.
/// </summary>
internal static class NodeSettings
{
    public static NodeOptions Load(string appSettingsPath = "appsettings.json")
    {
        var options = new NodeOptions();
        if (File.Exists(appSettingsPath)) ApplyJson(options, appSettingsPath);
        ApplyEnvironment(options);
        return options;
    }

    private static void ApplyJson(NodeOptions options, string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("Worcr", out var section)) return;
        foreach (var property in section.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null) continue; // null means "keep the default"
            var value = property.Value.ValueKind == JsonValueKind.Array
                ? string.Join(',', property.Value.EnumerateArray().Select(e => e.ToString()))
                : property.Value.ToString();
            Apply(options, property.Name, value, $"{path}: Worcr.{property.Name}");
        }
    }

    private static void ApplyEnvironment(NodeOptions options)
    {
        (string Variable, string Setting)[] map =
        [
            ("WORCR_POSTGRES", nameof(NodeOptions.PostgresUrl)), ("WORCR_REDIS", nameof(NodeOptions.RedisUrl)),
            ("WORCR_SCHEMA", nameof(NodeOptions.Schema)), ("WORCR_API_KEY", nameof(NodeOptions.ApiKey)),
            ("WORCR_WORKER_TOKEN", nameof(NodeOptions.WorkerToken)), ("WORCR_GRPC_PORT", nameof(NodeOptions.GrpcPort)),
            ("WORCR_HTTP_PORT", nameof(NodeOptions.HttpPort)), ("WORCR_BIND", nameof(NodeOptions.BindAddress)),
            ("WORCR_JOB_TYPES", nameof(NodeOptions.JobTypes)), ("WORCR_INSECURE", nameof(NodeOptions.AllowUnauthenticated)),
            ("WORCR_NODE_ID", nameof(NodeOptions.NodeId)), ("WORCR_RULES", nameof(NodeOptions.RulesDirectory)),
            ("WORCR_ADMIN_PASSWORD", nameof(NodeOptions.AdminPassword)), ("WORCR_READ_ONLY_PASSWORD", nameof(NodeOptions.ReadOnlyPassword)),
            ("WORCR_FAIRNESS", nameof(NodeOptions.Fairness)), ("WORCR_FAIRNESS_BY_JOB_TYPE", nameof(NodeOptions.FairnessByJobType)),
        ];
        foreach (var (variable, setting) in map)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value)) Apply(options, setting, value, variable);
        }
    }

    /// <summary>A map from a JSON object ({"a": "b"}) or from "a=b,c=d" (environment variables).</summary>
    private static Dictionary<string, string> ParseMap(string value)
    {
        if (value.TrimStart().StartsWith('{'))
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(value) ?? new Dictionary<string, string>();
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

    private static void Apply(NodeOptions options, string setting, string value, string source)
    {
        var property = typeof(NodeOptions).GetProperty(setting)
            ?? throw new InvalidOperationException($"{source}: unknown setting '{setting}'.");
        try
        {
            object converted = property.PropertyType switch
            {
                var t when t == typeof(string) => value,
                var t when t == typeof(int) => int.Parse(value, CultureInfo.InvariantCulture),
                var t when t == typeof(bool) => bool.Parse(value),
                var t when t == typeof(TimeSpan) => TimeSpan.Parse(value, CultureInfo.InvariantCulture),
                var t when t == typeof(IList<string>) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                var t when t == typeof(IDictionary<string, string>) => ParseMap(value),
                _ => throw new InvalidOperationException($"{source}: setting '{setting}' cannot be set from text."),
            };
            property.SetValue(options, converted);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            throw new InvalidOperationException($"{source}: '{value}' is not a valid value for {setting} ({exception.Message}).", exception);
        }
    }
}
