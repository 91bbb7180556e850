using System.Text.Json;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>Helpers every <see cref="IJobContext"/> has, fakes included.</summary>
public static class JobContextExtensions
{
    /// <summary>The job's args read from JSON (camelCase, case-insensitive), the convention <see cref="WorcrClient"/> writes.</summary>
    /// <typeparam name="T">The args type.</typeparam>
    /// <param name="context">The job.</param>
    /// <exception cref="JobArgsException">The args are not a valid <typeparamref name="T"/> (or are JSON null); the job goes dead if this escapes the handler.</exception>
    public static T Args<T>(this IJobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        T? args;
        try
        {
            args = JsonSerializer.Deserialize<T>(context.ArgsJson, WorcrJson.Options);
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
