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
            ("WORCR_NODE_ID", nameof(NodeOptions.NodeId)),
        ];
        foreach (var (variable, setting) in map)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value)) Apply(options, setting, value, variable);
        }
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
                _ => throw new InvalidOperationException($"{source}: setting '{setting}' cannot be set from text."),
            };
            property.SetValue(options, converted);
        }
        catch (FormatException exception)
        {
            throw new InvalidOperationException($"{source}: '{value}' is not a valid value for {setting} ({exception.Message}).", exception);
        }
    }
}
