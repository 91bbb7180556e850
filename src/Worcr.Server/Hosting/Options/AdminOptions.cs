namespace Worcr.Server.Hosting;

/// <summary>The admin API and GUI (docs/admin-api.md).</summary>
public sealed class AdminOptions
{
    /// <summary>An admin session ends after this long without a request (sliding; kept in Redis). Default 12 h.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// TLS-terminating proxies in front of the HTTP port, comma-separated addresses or CIDR networks
    /// ("10.0.0.5, 10.1.0.0/16"). A request from one of them is taken to come from the client and scheme its
    /// X-Forwarded-For and X-Forwarded-Proto name: sign-in throttling counts that client, and a session cookie is
    /// Secure when the proxy says https. Default unset: forwarded headers are ignored (anyone could send them).
    /// </summary>
    public string? TrustedProxies { get; set; }
}

internal sealed class AdminOptionsValidator : SettingsValidator<AdminOptions>
{
    public override IEnumerable<string> Problems(AdminOptions options)
    {
        if (options.SessionLifetime < TimeSpan.FromMinutes(1)) yield return "SessionLifetime must be at least 1 minute.";
        foreach (var entry in ProxyEntries(options.TrustedProxies))
        {
            if (!System.Net.IPNetwork.TryParse(entry, out _) && !System.Net.IPAddress.TryParse(entry, out _))
            {
                yield return $"TrustedProxies: '{entry}' is neither an IP address nor a CIDR network (e.g. 10.0.0.5 or 10.1.0.0/16).";
            }
        }
    }

    /// <summary>The entries of a TrustedProxies setting (each checked above).</summary>
    public static string[] ProxyEntries(string? trustedProxies) =>
        trustedProxies?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
