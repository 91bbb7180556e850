using Google.Protobuf.WellKnownTypes;
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
