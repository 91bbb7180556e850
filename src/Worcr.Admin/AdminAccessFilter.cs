using Microsoft.AspNetCore.Http;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// Who may call the admin API; every /api endpoint passes here. A caller is the operator key
/// ("Authorization: Bearer KEY", admin), a session cookie (its role; every change must carry the session's
/// X-CSRF-Token), or anyone when the node was explicitly started insecure. Sign-in endpoints carry
/// <see cref="SessionlessEndpoint"/> and decide themselves. Answers 401 (who are you?) or 403 (not allowed) as JSON.
/// </summary>
internal sealed class AdminAccessFilter : IEndpointFilter
{
    public const string CsrfHeader = "X-CSRF-Token";
    private const string BearerPrefix = "Bearer ";

    // What the read-only role may call besides GETs: the POSTs that only compute an answer, and signing out.
    private static readonly HashSet<string> ReadOnlyAllowed = new(StringComparer.OrdinalIgnoreCase)
    {
        AdminApi.Prefix + "/rules/validate",
        AdminApi.Prefix + "/rules/explain",
        AdminApi.Prefix + "/rules/dry-run",
        AdminApi.Prefix + "/session",
    };

    private readonly NodeOptions _options;
    private readonly AdminCredentials _credentials;
    private readonly SessionStore _sessions;

    public AdminAccessFilter(NodeOptions options, AdminCredentials credentials, SessionStore sessions)
    {
        _options = options;
        _credentials = credentials;
        _sessions = sessions;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (_options.AllowUnauthenticated)
        {
            AdminCaller.Set(http, AdminCaller.Operator);
            return await next(context);
        }
        if (http.GetEndpoint()?.Metadata.GetMetadata<SessionlessEndpoint>() is not null) return await next(context);
        var caller = await IdentifyAsync(http.Request, http.RequestAborted);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return AdminJson.Error(StatusCodes.Status401Unauthorized,
                "Not signed in: sign in with POST /api/session {\"password\": ...} or send 'Authorization: Bearer <API key>'.");
        }
        if (Refusal(caller, http.Request) is { } refusal) return AdminJson.Error(StatusCodes.Status403Forbidden, refusal);
        AdminCaller.Set(http, caller);
        return await next(context);
    }

    /// <summary>The caller, or null when the request carries no valid credentials. A bearer header, when sent, is what counts.</summary>
    public async Task<AdminCaller?> IdentifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (BearerToken(request) is { } token) return _credentials.IsApiKey(token) ? AdminCaller.Operator : null;
        if (!request.Cookies.TryGetValue(SessionEndpoints.CookieName, out var sessionId) || string.IsNullOrEmpty(sessionId)) return null;
        var session = await _sessions.FindAsync(sessionId, cancellationToken);
        return session is null ? null : new AdminCaller(session.Role, sessionId, session);
    }

    private static string? Refusal(AdminCaller caller, HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) return null;
        // Cookies ride along on cross-site requests; the token, which only our own page can read, proves intent.
        if (caller.Session is { } session && !AdminCredentials.SecretEquals(request.Headers[CsrfHeader].ToString(), session.CsrfToken))
        {
            return $"missing or wrong CSRF token: send the csrf_token from POST or GET /api/session in the {CsrfHeader} header with every change.";
        }
        if (caller.Role == AdminRole.ReadOnly && !ReadOnlyAllowed.Contains(request.Path.Value ?? ""))
        {
            return "read-only session: it may look, not change; sign in with the admin password to change things.";
        }
        return null;
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0) return null;
        return header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? header[BearerPrefix.Length..].Trim() : "";
    }
}
