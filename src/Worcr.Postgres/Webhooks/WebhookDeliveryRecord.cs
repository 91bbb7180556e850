namespace Worcr.Postgres;

/// <summary>One recorded POST of an outbox row, with the row's state now ('pending', 'delivered', 'failed').</summary>
public sealed record WebhookDeliveryRecord(
    long OutboxId,
    string Event,
    int Attempt,
    int? StatusCode,
    string? Error,
    int DurationMs,
    DateTimeOffset At,
    string OutboxState);
