using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// Who may call the admin API; every /api endpoint passes here. A caller is the operator key
/// ("Authorization: Bearer KEY", admin), a session cookie (its role; every request but GET and HEAD must carry the
/// session's X-CSRF-Token), or anyone when the node was explicitly started insecure. The read-only role reaches
/// only endpoints marked <see cref="ReadOnlyAccess"/>, whatever their method or path. A change a browser sends for another
/// site is refused first, whoever the caller (<see cref="CrossSiteRequests"/>). Sign-in endpoints carry
/// <see cref="SessionlessEndpoint"/> and decide themselves. Answers 401 (who are you?) or 403 (not allowed) as JSON.
/// </summary>
internal sealed class AdminAccessFilter : IEndpointFilter
{
    public const string CsrfHeader = "X-CSRF-Token";
    private const string BearerPrefix = "Bearer ";

    private readonly AuthOptions _options;
    private readonly AdminCredentials _credentials;
    private readonly SessionStore _sessions;

    public AdminAccessFilter(IOptions<AuthOptions> auth, AdminCredentials credentials, SessionStore sessions)
    {
        _options = auth.Value;
        _credentials = credentials;
        _sessions = sessions;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (CrossSiteRequests.Refusal(http.Request) is { } crossSite) return AdminJson.Error(StatusCodes.Status403Forbidden, crossSite);
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
        if (Refusal(caller, http) is { } refusal) return AdminJson.Error(StatusCodes.Status403Forbidden, refusal);
        AdminCaller.Set(http, caller);
        return await next(context);
    }

    /// <summary>The caller, or null when the request carries no valid credentials. A bearer header, when sent, is what counts.</summary>
    public async Task<AdminCaller?> IdentifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (BearerToken(request) is { } token) return _credentials.IsApiKey(token) ? AdminCaller.Operator : null;
        if (!request.Cookies.TryGetValue(SessionEndpoints.CookieName, out var sessionId) || string.IsNullOrEmpty(sessionId)) return null;
        var session = await _sessions.FindAsync(sessionId, cancellationToken);
        // Opened with a password this node no longer has for the role: the password changed, the session ended.
        if (session is null || !_credentials.StillValid(session, sessionId)) return null;
        return new AdminCaller(session.Role, sessionId, session);
    }

    private static string? Refusal(AdminCaller caller, HttpContext http)
    {
        var request = http.Request;
        // Cookies ride along on cross-site requests; the token, which only our own page can read, proves intent.
        if (caller.Session is { } session && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) &&
            !AdminCredentials.SecretEquals(request.Headers[CsrfHeader].ToString(), session.CsrfToken))
        {
            return $"missing or wrong CSRF token: send the csrf_token from POST or GET /api/session in the {CsrfHeader} header with every change.";
        }
        // Deny by default: the role is checked against the endpoint routing chose, never against the path's spelling.
        if (caller.Role == AdminRole.ReadOnly && http.GetEndpoint()?.Metadata.GetMetadata<ReadOnlyAccess>() is null)
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
