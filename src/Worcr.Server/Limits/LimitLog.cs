using Microsoft.Extensions.Logging;

namespace Worcr.Server.Limits;

/// <summary>Log messages of limits, event ids 8000-8099.</summary>
internal static partial class LimitLog
{
    [LoggerMessage(8001, LogLevel.Information, "Limits loaded: {Count} definition(s).")]
    public static partial void Loaded(ILogger logger, int count);

    [LoggerMessage(8002, LogLevel.Warning, "Stored limit '{Name}' is not loaded: {Error}")]
    public static partial void NotLoaded(ILogger logger, string name, string error);

    [LoggerMessage(8003, LogLevel.Warning, "Reloading limits failed; the previous definitions stay live.")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(8004, LogLevel.Warning, "Limit key '{Key}' dropped: keys are at most 200 characters, without braces.")]
    public static partial void KeyDropped(ILogger logger, string key);

    [LoggerMessage(8005, LogLevel.Warning, "A job had {Count} limit keys; only the first {Max} are kept.")]
    public static partial void KeysTruncated(ILogger logger, int count, int max);

    [LoggerMessage(8006, LogLevel.Warning, "Checking the limits of lane {LaneId} failed; the lane waits and is tried again.")]
    public static partial void AcquireFailed(ILogger logger, long laneId, Exception exception);

    [LoggerMessage(8007, LogLevel.Warning, "Giving back or renewing limit permits failed; they lapse with their lease or window.")]
    public static partial void SettleFailed(ILogger logger, Exception exception);

    [LoggerMessage(8008, LogLevel.Warning, "The limit release subscription failed; parked lanes fall back to their retry time.")]
    public static partial void SubscriptionFailed(ILogger logger, Exception exception);

    [LoggerMessage(8009, LogLevel.Information, "Concurrency holders rebuilt from PostgreSQL (the Redis connection was lost, or concurrency limits were added or changed): {Attempts} running attempt(s), {Holders} holder(s).")]
    public static partial void HoldersRebuilt(ILogger logger, int attempts, int holders);

    [LoggerMessage(8010, LogLevel.Warning, "The Redis connection {Change}; concurrency permits wait until their holders are rebuilt from PostgreSQL.")]
    public static partial void RedisConnectionChanged(ILogger logger, string change);
}
