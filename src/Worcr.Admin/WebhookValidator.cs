using System.Text.RegularExpressions;
using Worcr.Core.Errors;
using Worcr.Postgres;
using Worcr.Server.Enqueue;

namespace Worcr.Admin;

/// <summary>Checks a <see cref="WebhookInput"/>; the error names the field at fault.</summary>
internal static partial class WebhookValidator
{
    /// <summary>The longest URL a subscription may have: a request line of about 8 KiB is what common servers accept.</summary>
    public const int MaxUrlLength = 8_000;

    public static readonly string[] KnownEvents = ["job.completed", "job.failed", "job.dead", "job.expired", "job.cancelled", "job.progress"];

    /// <returns>The subscription, or null and the problem.</returns>
    public static (WebhookSubscription? Subscription, string? Error) Validate(string name, WebhookInput input, string? storedSecret)
    {
        if (!SubscriptionName().IsMatch(name)) return (null, $"Name {Core.Input.TextCheck.Quote(name)} must be 1-100 letters, digits or '.', '-', '_'.");
        // Checked before parsing, and again as it will be stored: Uri takes a NUL in the path, and its ToString() gives it
        // back unescaped, which PostgreSQL text cannot store (a 500); and each delivery sends the URL in a request line.
        if (input.Url is { } given && Core.Input.TextCheck.Problem(given, "Field 'url'", MaxUrlLength) is { } badUrl) return (null, badUrl);
        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return (null, $"Field 'url': {Core.Input.TextCheck.Quote(input.Url ?? "", 200)} must be an absolute http:// or https:// URL.");
        }
        var storedUrl = url.ToString();
        if (Core.Input.TextCheck.Problem(storedUrl, "Field 'url'", MaxUrlLength) is { } badStoredUrl) return (null, badStoredUrl);
        var secret = input.Secret ?? storedSecret;
        if (string.IsNullOrEmpty(secret) || secret.Length > 500) return (null, "Field 'secret': a secret of 1-500 characters is required (the receiver verifies Worcr-Signature with it).");
        if (Core.Input.TextCheck.Problem(secret, "Field 'secret'", 500) is { } badSecret) return (null, badSecret);
        var events = input.Events ?? [];
        if (events.Count == 0) return (null, $"Field 'events': name at least one of {string.Join(", ", KnownEvents)}.");
        var unknown = events.FirstOrDefault(e => !KnownEvents.Contains(e));
        if (unknown is not null) return (null, $"Field 'events': unknown event {Core.Input.TextCheck.Quote(unknown)}; known: {string.Join(", ", KnownEvents)}.");
        if (input.Tenant is not null && TenantProblem(input.Tenant) is { } problem) return (null, problem);
        return (new WebhookSubscription(name, storedUrl, secret, events, input.Tenant, input.Enabled ?? true), null);
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

    [GeneratedRegex(@"^[A-Za-z0-9._\-]{1,100}\z")]
    private static partial Regex SubscriptionName();
}
