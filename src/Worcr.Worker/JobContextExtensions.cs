using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>Helpers every <see cref="IJobContext"/> has, fakes included.</summary>
public static class JobContextExtensions
{
    /// <summary>The job's args read from JSON (camelCase, case-insensitive), the convention <see cref="WorcrClient"/> writes.</summary>
    /// <typeparam name="T">The args type.</typeparam>
    /// <param name="context">The job.</param>
    /// <exception cref="JobArgsException">The args are not a valid <typeparamref name="T"/> (or are JSON null); the job goes dead if this escapes the handler.</exception>
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public static T Args<T>(this IJobContext context) => Read<T>(context, json => JsonSerializer.Deserialize<T>(json, WorcrJson.Options));

    /// <summary>The job's args read from JSON with <paramref name="jsonTypeInfo"/> (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The args type.</typeparam>
    /// <param name="context">The job.</param>
    /// <param name="jsonTypeInfo">The args' JSON contract, from a JsonSerializerContext.</param>
    /// <exception cref="JobArgsException">The args are not a valid <typeparamref name="T"/> (or are JSON null); the job goes dead if this escapes the handler.</exception>
    public static T Args<T>(this IJobContext context, JsonTypeInfo<T> jsonTypeInfo) => Read<T>(context, json => JsonSerializer.Deserialize(json, jsonTypeInfo));

    private static T Read<T>(IJobContext context, Func<string, T?> deserialize)
    {
        ArgumentNullException.ThrowIfNull(context);
        T? args;
        try
        {
            args = deserialize(context.ArgsJson);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new JobArgsException(
                $"The args of job {context.JobId} ({context.Type}) are not a valid {typeof(T).Name}: {ex.Message}", ex);
        }

        return args ?? throw new JobArgsException(
            $"The args of job {context.JobId} ({context.Type}) are null; the handler expects a {typeof(T).Name}.");
    }
}
