using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>How an attempt ended: a value the handler returns, never an exception it throws.</summary>
public abstract record JobResult
{
    private protected JobResult()
    {
    }

    /// <summary>The attempt succeeded; <paramref name="result"/> is stored as JSON (none when null).</summary>
    public static JobResult Complete(object? result = null) =>
        new Completed(result is null ? "" : WorcrJson.Serialize(result));

    /// <summary>The attempt failed; a retryable failure runs again after a backoff (or <paramref name="retryAfter"/>).</summary>
    public static JobResult Fail(string error, bool retryable = true, TimeSpan? retryAfter = null) =>
        new Failed(error ?? "", retryable, retryAfter);

    /// <summary>Hands the job back without using up the attempt, to run again after <paramref name="delay"/>.</summary>
    public static JobResult Yield(TimeSpan? delay = null) => new Yielded(delay);

    public sealed record Completed(string ResultJson) : JobResult;

    public sealed record Failed(string Error, bool Retryable, TimeSpan? RetryAfter) : JobResult;

    public sealed record Yielded(TimeSpan? Delay) : JobResult;
}
