namespace Worcr.Server.Maintenance;

/// <summary>When to try an undelivered event again: 1 s, 2 s, 4 s … doubling up to 10 min; given up after 24 h.</summary>
internal static class WebhookBackoff
{
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    /// <param name="attempt">The attempt that just failed, 1 for the first.</param>
    public static TimeSpan After(int attempt)
    {
        // 2^10 s already exceeds the cap; clamping the exponent keeps the shift from overflowing.
        var seconds = 1L << Math.Clamp(attempt - 1, 0, 10);
        return TimeSpan.FromSeconds(Math.Min(seconds, Max.TotalSeconds));
    }
}
