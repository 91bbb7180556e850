using System.Globalization;
using Worcr.Postgres;

namespace Worcr.Admin;

/// <summary>A subscription as the admin API shows it: the secret is never sent back.</summary>
internal sealed record WebhookView(string Name, string Url, IReadOnlyList<string> Events, string? Tenant, bool Enabled, DateTimeOffset UpdatedAt)
{
    public static WebhookView Of(WebhookSubscription s) => new(s.Name, s.Url, s.Events, s.Tenant, s.Enabled, s.UpdatedAt);
}

internal sealed record WebhookListView(IReadOnlyList<WebhookView> Webhooks);

/// <summary>One delivery attempt; <see cref="State"/> is the event's state now (pending, delivered, failed).</summary>
internal sealed record WebhookDeliveryView(string DeliveryId, string Event, int Attempt, int? StatusCode, string? Error, int DurationMs, DateTimeOffset At, string State)
{
    public static WebhookDeliveryView Of(WebhookDeliveryRecord d) =>
        new(d.OutboxId.ToString(CultureInfo.InvariantCulture), d.Event, d.Attempt, d.StatusCode, d.Error, d.DurationMs, d.At, d.OutboxState);
}

internal sealed record WebhookDeliveriesView(IReadOnlyList<WebhookDeliveryView> Deliveries);
