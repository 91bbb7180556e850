using Microsoft.Extensions.Logging;

namespace Worcr.Server.Events;

/// <summary>Log messages of live events (event ids 5000–5099).</summary>
internal static partial class EventLog
{
    [LoggerMessage(5001, LogLevel.Warning, "Publishing {Count} job event(s) to Redis failed; watchers catch up from PostgreSQL.")]
    public static partial void PublishFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(5002, LogLevel.Warning, "A job event batch from Redis could not be read; it is skipped.")]
    public static partial void BatchUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(5003, LogLevel.Warning, "{Dropped} job event(s) were not published: more than {Limit} were waiting (a worker reports faster than Redis takes them).")]
    public static partial void EventsDropped(ILogger logger, long dropped, int limit);

    [LoggerMessage(5004, LogLevel.Warning, "The events subscription is back after Redis was away; every watcher re-reads its jobs' states.")]
    public static partial void SubscriptionReconnected(ILogger logger);

    [LoggerMessage(5005, LogLevel.Warning, "Subscribing to job events failed; watches of named jobs read PostgreSQL meanwhile (tenant-wide watches are refused) and the node tries again every {Seconds} s while it has watchers.")]
    public static partial void SubscribeFailed(ILogger logger, double seconds, Exception exception);
}
