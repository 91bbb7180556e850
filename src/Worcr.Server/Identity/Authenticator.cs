using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Worcr.Core.Errors;
using Worcr.Postgres;
using Worcr.Server.Hosting;

namespace Worcr.Server.Identity;

/// <summary>
/// Checks credentials: producers send "authorization: Bearer KEY" (the operator key, or a tenant key that binds
/// them to one tenant), workers their token in Hello (or the same header). Comparisons are constant-time. The
/// worker token is no producer key and a tenant key is no worker token (the node refuses to start with the worker
/// token equal to the API key).
/// Open only when the node was explicitly started insecure.
/// </summary>
internal sealed class Authenticator
{
    private readonly AuthOptions _options;
    private readonly TenantKeyCache? _tenantKeys;

    public Authenticator(IOptions<AuthOptions> options, TenantKeyCache? tenantKeys = null)
    {
        _options = options.Value;
        _tenantKeys = tenantKeys;
    }

    /// <summary>What the calling producer may touch; throws Unauthenticated without a valid key.</summary>
    public async ValueTask<ProducerScope> AuthenticateProducerAsync(ServerCallContext context)
    {
        if (_options.AllowUnauthenticated) return ProducerScope.Unrestricted;
        var token = BearerToken(context);
        if (Matches(token, _options.ApiKey)) return ProducerScope.Unrestricted;
        // Only a text of a tenant key's form is looked up: anything else is refused without touching the database.
        if (token is not null && _tenantKeys is not null && TenantKeyStore.LooksLikeKey(token)
            && await _tenantKeys.TenantOfAsync(token, context.CancellationToken) is { } tenant)
        {
            return new ProducerScope(tenant);
        }
        throw WorcrError.Unauthenticated("A valid API key is required: send 'authorization: Bearer <key>' (the operator key or a tenant key).");
    }

    /// <summary>
    /// Checks again, during a long call (a Watch), the tenant key that opened it. A call is authenticated when it
    /// starts, and a Watch runs for as long as its caller keeps it open: without this, a key revoked meanwhile would
    /// go on receiving its tenant's events, and revoking a leaked key would not stop the leak. The check goes through
    /// the same cache as new calls (no database round trip while the key's entry is fresh), so a revocation ends the
    /// call at once on the node that revoked the key and within <see cref="TenantKeyCache.Freshness"/> on the others.
    /// The operator key and the insecure mode are the node's own settings, which do not change while it runs.
    /// </summary>
    /// <exception cref="WorcrError">UNAUTHENTICATED: the key was revoked since the call started.</exception>
    public async ValueTask RequireStillValidAsync(ProducerScope scope, ServerCallContext context)
    {
        if (scope.Tenant is null) return;
        var token = BearerToken(context);
        if (token is not null && _tenantKeys is not null && await _tenantKeys.TenantOfAsync(token, context.CancellationToken) == scope.Tenant) return;
        throw WorcrError.Unauthenticated("The tenant key this call was opened with has been revoked; the call ends. Call again with a valid key.");
    }

    public void AuthenticateWorker(string helloToken, ServerCallContext context)
    {
        if (_options.AllowUnauthenticated) return;
        var token = string.IsNullOrEmpty(helloToken) ? BearerToken(context) : helloToken;
        if (!Matches(token, _options.WorkerToken)) throw WorcrError.Unauthenticated("A valid worker token is required in Hello.token.");
    }

    private static string? BearerToken(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        const string prefix = "Bearer ";
        return header is not null && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }

    // An unset secret matches nothing, not even an empty token.
    private static bool Matches(string? given, string? expected) =>
        !string.IsNullOrEmpty(given) && !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
