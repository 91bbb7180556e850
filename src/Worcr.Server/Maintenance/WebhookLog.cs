using Microsoft.Extensions.Logging;

namespace Worcr.Server.Maintenance;

/// <summary>Log messages of webhook delivery (event ids 6100-6199).</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(6101, LogLevel.Warning, "Webhook '{Subscription}' event {Id} ({Event}) attempt {Attempt} failed: {Problem}; retried in {RetryAfter}.")]
    public static partial void AttemptFailed(ILogger logger, string subscription, long id, string @event, int attempt, string problem, TimeSpan retryAfter);

    [LoggerMessage(6102, LogLevel.Warning, "A webhook delivery pass failed; it runs again at the next interval.")]
    public static partial void PassFailed(ILogger logger, Exception exception);
}
