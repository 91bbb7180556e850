using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Worcr.Worker.Internal;

/// <summary>One JSON convention for args and results (camelCase, case-insensitive reads), so producers and handlers agree.</summary>
internal static class WorcrJson
{
    public const string EmptyObject = "{}";

    /// <summary>Why the SDK's object-typed JSON helpers are marked for trimmed and Native AOT applications.</summary>
    public const string ReflectionWarning = "Serialises with reflection-based System.Text.Json, which trimming and Native AOT cannot follow; " +
        "pass a JsonTypeInfo from a JsonSerializerContext, or JSON text (JobSpec.ArgsJson, JobResult.Completed).";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public static string Serialize(object? value) =>
        value is null ? EmptyObject : JsonSerializer.Serialize(value, value.GetType(), Options);
}
