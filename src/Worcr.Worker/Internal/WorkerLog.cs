using Microsoft.Extensions.Logging;

namespace Worcr.Worker.Internal;

/// <summary>The SDK's log events (category Worcr.Worker.WorcrWorker), with stable ids.</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Diagnostic}")]
    public static partial void Diagnostic(ILogger logger, string diagnostic);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Handler of job {JobId} ({JobType}, attempt {Attempt}) failed; retryable: {Retryable}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string jobId, string jobType, int attempt, bool retryable);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "The node refused worker {WorkerId} for good ({Code}); it stops instead of retrying")]
    public static partial void Refused(ILogger logger, Exception exception, string workerId, WorcrErrorCode code);
}
