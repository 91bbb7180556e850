namespace Worcr.Postgres;

/// <summary>
/// What one claim of due webhook events gave: the events to send now, and how many due rows it looked at (some are
/// given up, held for a disabled subscription, or left for a subscription with no more room). A claim that looked at
/// as many rows as it could has more behind it, even when it gave few to send.
/// </summary>
public sealed record WebhookClaim(IReadOnlyList<WebhookMessage> Messages, int Scanned);
