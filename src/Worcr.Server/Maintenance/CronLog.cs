using Microsoft.Extensions.Logging;

namespace Worcr.Server.Maintenance;

/// <summary>Log messages of cron schedules (event ids 6000-6099).</summary>
internal static partial class CronLog
{
    [LoggerMessage(6001, LogLevel.Information, "Cron schedule '{Name}' fired its tick {Tick:o} as job {JobId} (fencing token {Token}).")]
    public static partial void Fired(ILogger logger, string name, DateTimeOffset tick, long? jobId, long token);

    [LoggerMessage(6002, LogLevel.Information, "Cron schedule '{Name}': tick {Tick:o} was already fired by another node.")]
    public static partial void AlreadyFired(ILogger logger, string name, DateTimeOffset tick);

    [LoggerMessage(6003, LogLevel.Warning, "Cron schedule '{Name}' missed the ticks from {Missed:o}; only the latest, {Tick:o}, is fired.")]
    public static partial void CaughtUp(ILogger logger, string name, DateTimeOffset missed, DateTimeOffset tick);

    [LoggerMessage(6004, LogLevel.Warning, "Cron schedule '{Name}' could not be fired; it is tried again after a backoff (its failures, last error and retry_at are in the admin API).")]
    public static partial void FireFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(6006, LogLevel.Warning, "Cron schedule '{Name}': its failed fire could not be recorded; it is tried again at the next pass.")]
    public static partial void FailureNotRecorded(ILogger logger, string name, Exception exception);

    [LoggerMessage(6005, LogLevel.Information, "{Count} cron schedule(s) loaded from {Path}.")]
    public static partial void FileLoaded(ILogger logger, int count, string path);
}
