using System.Text;
using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Input;
using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>Turns what a handler did into the message that ends the attempt.</summary>
internal static class Outcomes
{
    public const string CancelledError = "cancelled";

    /// <summary>
    /// A handler that threw: cancelled by the node → dead; stopped by shutdown → yielded; a
    /// <see cref="JobFailedException"/> → the failure it describes; anything else → a retryable failure.
    /// </summary>
    public static JobResult FromException(JobStopReason reason, Exception exception) => reason switch
    {
        JobStopReason.NodeCancel => JobResult.Fail(CancelledError, retryable: false),
        JobStopReason.Shutdown => JobResult.Yield(),
        _ when exception is JobFailedException failed => JobResult.Fail(ErrorText(failed), failed.Retryable, failed.RetryAfter),
        _ => JobResult.Fail(ErrorText(exception)),
    };

    private static string ErrorText(Exception exception) =>
        string.IsNullOrEmpty(exception.Message) ? exception.GetType().Name : exception.Message;

    /// <summary>
    /// The outcome as the node will take it. A result the node would refuse (over its size limit, or JSON it cannot
    /// store) becomes a non-retryable failure that says why: refused, the outcome would leave the job held by this
    /// worker, and a result over the message limit would cost the stream and every job on it. An error text is cut to
    /// what the node accepts.
    /// </summary>
    public static JobResult Deliverable(JobResult result) => result switch
    {
        JobResult.Completed { ResultJson.Length: > 0 } completed when ResultProblem(completed.ResultJson) is { } problem =>
            JobResult.Fail(problem, retryable: false),
        JobResult.Failed failed when failed.Error.Length > ReportLimits.MaxErrorLength =>
            failed with { Error = TextCheck.Cut(failed.Error, ReportLimits.MaxErrorLength) },
        _ => result,
    };

    /// <summary>Why the node would refuse <paramref name="json"/> as a result (its own checks), or null.</summary>
    private static string? ResultProblem(string json)
    {
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > ReportLimits.MaxResultBytes) return ResultTooLarge(bytes);
        if (JsonCheck.Problem(json, "result", out var storedBytes) is { } problem) return problem;
        // PostgreSQL prints numbers in full and adds spaces: the stored form may be larger than what was sent.
        return storedBytes > ReportLimits.MaxResultBytes ? ResultTooLarge(storedBytes) : null;
    }

    private static string ResultTooLarge(long bytes) => $"result too large: {bytes} bytes, at most {ReportLimits.MaxResultBytes}";

    // A request_id adds its field tag and at most ten bytes of varint to the message.
    private const int RequestIdBytes = 11;

    /// <summary>
    /// The outcome's message, within the node's message limit: a Complete whose result makes it larger (a node
    /// configured with a MaxMessageSize below the result limit) becomes a non-retryable failure that says why, as a
    /// result over the result limit does. Sent as it was, the SDK's outbox would refuse it and leave the job held.
    /// </summary>
    public static WorkerMessage ToMessage(string jobId, int attempt, JobResult result, int maxMessageBytes)
    {
        var message = ToMessage(jobId, attempt, result);
        if (message.Complete is null || message.CalculateSize() + RequestIdBytes <= maxMessageBytes) return message;
        var error = $"result too large for the node's message limit: a {message.CalculateSize() + RequestIdBytes}-byte Complete, at most {maxMessageBytes} bytes";
        return ToMessage(jobId, attempt, JobResult.Fail(error, retryable: false));
    }

    public static WorkerMessage ToMessage(string jobId, int attempt, JobResult result) => result switch
    {
        JobResult.Completed completed => new WorkerMessage
        {
            Complete = new Complete { JobId = jobId, Attempt = attempt, ResultJson = completed.ResultJson },
        },
        JobResult.Failed failed => new WorkerMessage
        {
            Fail = new Fail
            {
                JobId = jobId, Attempt = attempt, Error = failed.Error, Retryable = failed.Retryable,
                RetryAfter = ToDuration(failed.RetryAfter),
            },
        },
        JobResult.Yielded yielded => new WorkerMessage
        {
            Yield = new Yield { JobId = jobId, Attempt = attempt, Delay = ToDuration(yielded.Delay) },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown job result."),
    };

    private static Duration? ToDuration(TimeSpan? value) => value is { } span ? Duration.FromTimeSpan(span) : null;
}
