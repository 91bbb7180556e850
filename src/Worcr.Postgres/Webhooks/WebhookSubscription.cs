namespace Worcr.Postgres;

/// <summary>Where to POST which events. <paramref name="Tenant"/> null means every tenant.</summary>
public sealed record WebhookSubscription(
    string Name,
    string Url,
    string Secret,
    IReadOnlyList<string> Events,
    string? Tenant,
    bool Enabled,
    DateTimeOffset UpdatedAt = default);
