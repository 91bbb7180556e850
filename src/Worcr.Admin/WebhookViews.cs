using System.Globalization;
using Worcr.Postgres;

namespace Worcr.Admin;

/// <summary>
/// A subscription as the admin API shows it: the secret is never sent back, and the read-only role sees the URL's
/// scheme, host and port only. Many receivers take the URL itself as their credential (chat services' incoming
/// webhooks, a token in the path or query), and whoever may only watch must not be able to post to them.
/// </summary>
internal sealed record WebhookView(string Name, string Url, IReadOnlyList<string> Events, string? Tenant, bool Enabled, DateTimeOffset UpdatedAt)
{
    public static WebhookView Of(WebhookSubscription s) => new(s.Name, s.Url, s.Events, s.Tenant, s.Enabled, s.UpdatedAt);

    /// <summary>The view for <paramref name="caller"/>: with the URL cut to its origin for the read-only role.</summary>
    public static WebhookView Of(WebhookSubscription s, AdminCaller? caller) =>
        caller?.Role == AdminRole.ReadOnly ? Of(s) with { Url = OriginOnly(s.Url) } : Of(s);

    /// <summary>"https://hooks.example.com/…": the user info, path and query dropped (the ellipsis says something was).</summary>
    internal static string OriginOnly(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.GetLeftPart(UriPartial.Scheme)}{uri.Authority}/…" : "…";
}

internal sealed record WebhookListView(IReadOnlyList<WebhookView> Webhooks);

/// <summary>One delivery attempt; <see cref="State"/> is the event's state now (pending, delivered, failed).</summary>
internal sealed record WebhookDeliveryView(string DeliveryId, string Event, int Attempt, int? StatusCode, string? Error, int DurationMs, DateTimeOffset At, string State)
{
    public static WebhookDeliveryView Of(WebhookDeliveryRecord d) =>
        new(d.OutboxId.ToString(CultureInfo.InvariantCulture), d.Event, d.Attempt, d.StatusCode, d.Error, d.DurationMs, d.At, d.OutboxState);
}

internal sealed record WebhookDeliveriesView(IReadOnlyList<WebhookDeliveryView> Deliveries);
