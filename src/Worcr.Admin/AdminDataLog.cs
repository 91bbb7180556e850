using Microsoft.Extensions.Logging;

namespace Worcr.Admin;

/// <summary>Log messages of the admin API's jobs, overview, streams and dry run (event ids 9100-9199).</summary>
internal static partial class AdminDataLog
{
    [LoggerMessage(9101, LogLevel.Warning, "The live stream of job {JobId} failed; it ends and the browser reconnects.")]
    public static partial void JobStreamFailed(ILogger logger, long jobId, Exception exception);

    [LoggerMessage(9102, LogLevel.Warning, "Reading the overview failed; watchers keep the previous one until the next try.")]
    public static partial void OverviewFailed(ILogger logger, Exception exception);

    [LoggerMessage(9103, LogLevel.Warning, "Worker presence could not be read from Redis; the dry run and overview show this node's workers only.")]
    public static partial void PresenceUnreadable(ILogger logger, Exception exception);
}
