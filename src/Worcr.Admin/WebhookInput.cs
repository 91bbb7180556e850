namespace Worcr.Admin;

/// <summary>Body of PUT /api/webhooks/{name}. A missing secret keeps the stored one; enabled defaults to true.</summary>
internal sealed class WebhookInput
{
    public string? Url { get; set; }

    public string? Secret { get; set; }

    public List<string>? Events { get; set; }

    /// <summary>Only this tenant's jobs; every tenant when absent.</summary>
    public string? Tenant { get; set; }

    public bool? Enabled { get; set; }
}
