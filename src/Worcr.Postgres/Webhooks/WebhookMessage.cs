namespace Worcr.Postgres;

/// <summary>A claimed outbox row, ready to POST. <paramref name="Attempt"/> counts this attempt (1 = first).</summary>
public sealed record WebhookMessage(
    long Id,
    string Subscription,
    string Event,
    string JobJson,
    DateTimeOffset CreatedAt,
    int Attempt,
    string Url,
    string Secret);
