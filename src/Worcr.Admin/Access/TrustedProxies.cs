using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// Opt-in forwarded headers (AdminOptions.TrustedProxies): behind a TLS-terminating proxy, a request from the proxy
/// takes its client address from X-Forwarded-For and its scheme from X-Forwarded-Proto, so sign-in throttling
/// counts clients, not the proxy, and session cookies are Secure. Only the listed proxies are believed; with none
/// listed the headers are ignored, because any client could send them. Applies to the node's whole HTTP pipeline.
/// </summary>
internal static class TrustedProxies
{
    public static void Use(WebApplication app, AdminOptions options)
    {
        var entries = AdminOptionsValidator.ProxyEntries(options.TrustedProxies);
        if (entries.Length == 0) return;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        // The defaults trust loopback only; the setting replaces them.
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(entry, out var address)) forwarded.KnownProxies.Add(address);
            else forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
        }
        app.UseForwardedHeaders(forwarded);
    }
}
