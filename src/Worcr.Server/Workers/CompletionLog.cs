using Microsoft.Extensions.Logging;

namespace Worcr.Server.Workers;

/// <summary>Log messages of the completion batcher and of the worker outcomes stored alone (event ids 21xx).</summary>
internal static partial class CompletionLog
{
    [LoggerMessage(2112, LogLevel.Warning, "Storing a batch of completions failed (attempt {Failures}); it is retried, the workers' results are kept.")]
    public static partial void CommitFailed(ILogger logger, int failures, Exception exception);

    [LoggerMessage(2110, LogLevel.Warning, "Storing the {Outcome} of job {JobId} attempt {Attempt} failed (try {Failures}); it is retried, the worker's report is kept.")]
    public static partial void OutcomeFailed(ILogger logger, string outcome, long jobId, int attempt, int failures, Exception exception);
}
