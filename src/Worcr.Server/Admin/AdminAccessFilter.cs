using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Worcr.Server.Hosting;

namespace Worcr.Server.Admin;

/// <summary>
/// Who may call the admin API: the operator key as "Authorization: Bearer KEY" (constant-time comparison),
/// or anyone when the node was explicitly started without authentication. Answers 401 with a JSON error.
/// </summary>
internal sealed class AdminAccessFilter : IEndpointFilter
{
    private const string BearerPrefix = "Bearer ";
    private readonly NodeOptions _options;

    public AdminAccessFilter(NodeOptions options) => _options = options;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_options.AllowUnauthenticated || Matches(BearerToken(context.HttpContext.Request), _options.ApiKey)) return await next(context);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return AdminJson.Error(StatusCodes.Status401Unauthorized, "A valid operator API key is required: send 'Authorization: Bearer <key>'.");
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? header[BearerPrefix.Length..].Trim() : null;
    }

    private static bool Matches(string? given, string? expected) =>
        given is not null && !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
