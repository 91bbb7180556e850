using System.Text.RegularExpressions;
using Worcr.Core.Errors;
using Worcr.Postgres;
using Worcr.Server.Enqueue;

namespace Worcr.Server.Admin;

/// <summary>Checks a <see cref="WebhookInput"/>; the error names the field at fault.</summary>
internal static partial class WebhookValidator
{
    public static readonly string[] KnownEvents = ["job.completed", "job.failed", "job.dead", "job.expired", "job.cancelled", "job.progress"];

    /// <returns>The subscription, or null and the problem.</returns>
    public static (WebhookSubscription? Subscription, string? Error) Validate(string name, WebhookInput input, string? storedSecret)
    {
        if (!SubscriptionName().IsMatch(name)) return (null, $"Name '{name}' must be 1-100 letters, digits or '.', '-', '_'.");
        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return (null, $"Field 'url': '{input.Url}' must be an absolute http:// or https:// URL.");
        }
        var secret = input.Secret ?? storedSecret;
        if (string.IsNullOrEmpty(secret) || secret.Length > 500) return (null, "Field 'secret': a secret of 1-500 characters is required (the receiver verifies Worcr-Signature with it).");
        var events = input.Events ?? [];
        if (events.Count == 0) return (null, $"Field 'events': name at least one of {string.Join(", ", KnownEvents)}.");
        var unknown = events.FirstOrDefault(e => !KnownEvents.Contains(e));
        if (unknown is not null) return (null, $"Field 'events': unknown event '{unknown}'; known: {string.Join(", ", KnownEvents)}.");
        if (input.Tenant is not null && TenantProblem(input.Tenant) is { } problem) return (null, problem);
        return (new WebhookSubscription(name, url.ToString(), secret, events, input.Tenant, input.Enabled ?? true), null);
    }

    private static string? TenantProblem(string tenant)
    {
        try
        {
            JobSpecValidator.ValidateTenant(tenant, "Field 'tenant'");
            return null;
        }
        catch (WorcrError exception)
        {
            return exception.Message;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._\-]{1,100}$")]
    private static partial Regex SubscriptionName();
}
