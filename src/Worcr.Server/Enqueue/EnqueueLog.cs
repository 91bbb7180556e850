using Microsoft.Extensions.Logging;

namespace Worcr.Server.Enqueue;

/// <summary>Log messages of the enqueue path (event ids 94xx).</summary>
internal static partial class EnqueueLog
{
    [LoggerMessage(9401, LogLevel.Warning, "A batch of {Count} single enqueue calls was refused by PostgreSQL; each call is stored on its own.")]
    public static partial void BatchSplit(ILogger logger, int count, Exception exception);
}
