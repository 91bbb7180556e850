using System.Text.Json;

namespace Worcr.Worker.Internal;

/// <summary>One JSON convention for args and results (camelCase, case-insensitive reads), so producers and handlers agree.</summary>
internal static class WorcrJson
{
    public const string EmptyObject = "{}";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(object? value) =>
        value is null ? EmptyObject : JsonSerializer.Serialize(value, value.GetType(), Options);
}
