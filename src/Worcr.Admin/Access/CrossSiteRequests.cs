using Microsoft.AspNetCore.Http;

namespace Worcr.Admin;

/// <summary>
/// Refuses a change (any method but GET, HEAD and OPTIONS) that a browser sends on behalf of another site. A web page
/// may make a visitor's browser POST a form or plain text to any address, with no preflight: to a node started
/// insecure (no credentials at all) that is a whole admin API for any page the developer opens, and to sign-in a
/// way to spread password guesses over the visitors of a page. The session's CSRF token covers only signed-in
/// requests, so this check runs before any other. Browsers say where a request comes from (Sec-Fetch-Site; older ones
/// only Origin); programs (the CLI, SDKs, curl) send neither and pass, as they cannot be made to send a request by
/// someone else's page.
/// </summary>
internal static class CrossSiteRequests
{
    /// <summary>Why the request is refused, or null when it is no cross-site change.</summary>
    public static string? Refusal(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return null;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            // "none": the user's own action (typed address, bookmark); "same-origin": this node's own pages.
            return site is "same-origin" or "none" ? null : Message($"Sec-Fetch-Site: {Shown(site)}");
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        return Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? null
            : Message($"Origin: {Shown(origin)}");
    }

    private static string Message(string evidence) =>
        $"cross-site request refused ({evidence}): the admin API takes changes only from its own pages and from programs.";

    private static string Shown(string value) => Core.Input.TextCheck.Quote(value, 100);
}
