using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// /api/session: sign in with a password (a session cookie plus a CSRF token), ask who one is, sign out.
/// Sign-in is refused while locked after failures (<see cref="SignInThrottle"/>), before the password is looked at.
/// </summary>
internal sealed class SessionEndpoints
{
    public const string CookieName = "worcr_session";
    private readonly AuthOptions _options;
    private readonly AdminCredentials _credentials;
    private readonly SessionStore _sessions;
    private readonly SignInThrottle _throttle;
    private readonly AdminAccessFilter _access;

    private SessionEndpoints(AuthOptions options, AdminCredentials credentials, SessionStore sessions, SignInThrottle throttle, AdminAccessFilter access)
    {
        _options = options;
        _credentials = credentials;
        _sessions = sessions;
        _throttle = throttle;
        _access = access;
    }

    public static void Map(RouteGroupBuilder api, AuthOptions options, AdminCredentials credentials, SessionStore sessions, AdminAccessFilter access, SignInThrottle throttle)
    {
        var endpoints = new SessionEndpoints(options, credentials, sessions, throttle, access);
        api.MapPost("/session", endpoints.SignInAsync).WithMetadata(SessionlessEndpoint.Instance);
        api.MapGet("/session", endpoints.ShowAsync).WithMetadata(SessionlessEndpoint.Instance);
        // Signing out ends only the caller's own session: every role may.
        api.MapDelete("/session", endpoints.SignOutAsync).AllowReadOnly();
    }

    private static readonly SessionView OpenNode = new(AdminRoleNames.Admin, "");

    private async Task<IResult> SignInAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<SignInInput>(http.Request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        if (string.IsNullOrEmpty(input.Value.Password)) return AdminJson.Error(StatusCodes.Status400BadRequest, "Field 'password' is required.");
        if (_options.AllowUnauthenticated) return AdminJson.Ok(OpenNode);
        // The client as the connection says, or as a trusted proxy said (AdminOptions.TrustedProxies).
        var client = http.Connection.RemoteIpAddress;
        if (await _throttle.LockedForAsync(client, cancellationToken) is { } locked && locked > TimeSpan.Zero)
        {
            var seconds = (int)Math.Ceiling(locked.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return AdminJson.Error(StatusCodes.Status429TooManyRequests, $"Too many failed sign-ins: sign-in is locked for {seconds} s. The password was not checked.");
        }
        if (_credentials.RoleFor(input.Value.Password) is not { } role)
        {
            await _throttle.FailedAsync(client, cancellationToken);
            return AdminJson.Error(StatusCodes.Status401Unauthorized, "Wrong password.");
        }
        await _throttle.SucceededAsync(client, cancellationToken);
        var (id, session) = await _sessions.CreateAsync(role, id => _credentials.Fingerprint(role, id), cancellationToken);
        http.Response.Cookies.Append(CookieName, id, CookieOptions(http.Request));
        return AdminJson.Ok(new SessionView(AdminRoleNames.Of(role), session.CsrfToken));
    }

    private async Task<IResult> ShowAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (_options.AllowUnauthenticated) return AdminJson.Ok(OpenNode);
        var caller = await _access.IdentifyAsync(http.Request, cancellationToken);
        if (caller is null) return AdminJson.Error(StatusCodes.Status401Unauthorized, "Not signed in.");
        return AdminJson.Ok(new SessionView(AdminRoleNames.Of(caller.Role), caller.Session?.CsrfToken ?? ""));
    }

    private async Task<IResult> SignOutAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (AdminCaller.Of(http)?.SessionId is { } id) await _sessions.DeleteAsync(id, cancellationToken);
        http.Response.Cookies.Delete(CookieName, CookieOptions(http.Request));
        return Results.NoContent();
    }

    /// <summary>
    /// A browser-session cookie (the server-side TTL ends it); Secure whenever the request came over TLS, directly or,
    /// with AdminOptions.TrustedProxies set, through a proxy that says so in X-Forwarded-Proto.
    /// </summary>
    private static CookieOptions CookieOptions(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Secure = request.IsHttps,
    };
}
