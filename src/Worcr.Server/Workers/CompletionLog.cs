using Microsoft.Extensions.Logging;

namespace Worcr.Server.Workers;

/// <summary>Log messages of the completion batcher (event ids 21xx).</summary>
internal static partial class CompletionLog
{
    [LoggerMessage(2101, LogLevel.Warning, "Storing a batch of completions failed (attempt {Failures}); it is retried, the workers' results are kept.")]
    public static partial void CommitFailed(ILogger logger, int failures, Exception exception);
}
