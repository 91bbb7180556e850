using System.Text.Json;

namespace Worcr.Server.Maintenance;

/// <summary>snake_case JSON for schedules.json, the same names the admin API uses.</summary>
internal static class CronJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        TypeInfoResolver = ServerJsonContext.Default,
    };
}
