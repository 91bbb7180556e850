using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>
/// How an attempt ended: a value the handler returns. (A handler may also throw <see cref="JobFailedException"/>,
/// which ends the attempt as <see cref="Fail"/> would.)
/// </summary>
/// <remarks>
/// A result the node would refuse ends the attempt as a non-retryable failure instead, so the job does not stay held by
/// the worker: more than 1 MiB of JSON (as sent, or as PostgreSQL stores it) fails with "result too large: N bytes,
/// at most 1048576". An error text longer than 8,192 characters is cut to that length.
/// </remarks>
public abstract record JobResult
{
    private protected JobResult()
    {
    }

    /// <summary>The attempt succeeded; <paramref name="result"/> is stored as JSON (none when null).</summary>
    /// <param name="result">The job's result, serialised as JSON (camelCase).</param>
    /// <returns>A <see cref="Completed"/>.</returns>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Complete() is the trimming-safe form of Complete(null), which predates it.")]
    [SuppressMessage("ApiDesign", "RS0027", Justification = "Complete(result, jsonTypeInfo) came later; this signature is kept for compatibility.")]
    [RequiresUnreferencedCode(WorcrJson.ReflectionWarning)]
    [RequiresDynamicCode(WorcrJson.ReflectionWarning)]
    public static JobResult Complete(object? result = null) =>
        new Completed(result is null ? "" : WorcrJson.Serialize(result));

    /// <summary>The attempt succeeded, without a result.</summary>
    /// <returns>A <see cref="Completed"/>.</returns>
    public static JobResult Complete() => new Completed("");

    /// <summary>The attempt succeeded; <paramref name="result"/> is stored as JSON written with <paramref name="jsonTypeInfo"/>.</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="result">The job's result.</param>
    /// <param name="jsonTypeInfo">Its JSON contract, from a JsonSerializerContext (trimming and Native AOT safe).</param>
    /// <returns>A <see cref="Completed"/>.</returns>
    public static JobResult Complete<T>(T result, JsonTypeInfo<T> jsonTypeInfo) =>
        new Completed(JsonSerializer.Serialize(result, jsonTypeInfo));

    /// <summary>The attempt failed; a retryable failure runs again after a backoff (or <paramref name="retryAfter"/>).</summary>
    /// <param name="error">The job's error, stored with the attempt.</param>
    /// <param name="retryable">False makes the job dead at once, whatever retries it has left.</param>
    /// <param name="retryAfter">When retryable, run again after this long instead of the rules' backoff.</param>
    /// <returns>A <see cref="Failed"/>.</returns>
    public static JobResult Fail(string error, bool retryable = true, TimeSpan? retryAfter = null) =>
        new Failed(error ?? "", retryable, retryAfter);

    /// <summary>Hands the job back without using up the attempt, to run again after <paramref name="delay"/>.</summary>
    /// <param name="delay">How long the job waits before it can be dispatched again; at once when null.</param>
    /// <returns>A <see cref="Yielded"/>.</returns>
    public static JobResult Yield(TimeSpan? delay = null) => new Yielded(delay);

    /// <summary>The attempt succeeded.</summary>
    /// <param name="ResultJson">The job's result as JSON; empty for none.</param>
    public sealed record Completed(string ResultJson) : JobResult;

    /// <summary>The attempt failed.</summary>
    /// <param name="Error">The job's error.</param>
    /// <param name="Retryable">Whether the job may run again.</param>
    /// <param name="RetryAfter">The delay before the next attempt; null for the rules' backoff.</param>
    public sealed record Failed(string Error, bool Retryable, TimeSpan? RetryAfter) : JobResult;

    /// <summary>The job was handed back without using up the attempt.</summary>
    /// <param name="Delay">How long it waits before it can run again; null for at once.</param>
    public sealed record Yielded(TimeSpan? Delay) : JobResult;
}
