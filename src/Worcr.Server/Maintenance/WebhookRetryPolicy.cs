using Worcr.Core.Retries;

namespace Worcr.Server.Maintenance;

/// <summary>
/// When to try an undelivered event again: 1 s, 2 s, 4 s … doubling up to 10 min, without jitter so a receiver
/// sees a predictable schedule; given up after 24 h.
/// </summary>
internal static class WebhookRetryPolicy
{
    public static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), jitter: 0);

    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    /// <param name="attempt">The attempt that just failed, 1 for the first.</param>
    public static TimeSpan After(int attempt) => Backoff.DelayAfter(attempt);
}
