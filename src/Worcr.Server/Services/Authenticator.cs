using System.Security.Cryptography;
using System.Text;
using Worcr.Grpc;
using Worcr.Grpc.Server;
using Worcr.Server.Hosting;

namespace Worcr.Server.Services;

/// <summary>
/// Checks credentials: producers send "authorization: Bearer API_KEY", workers their token in Hello (or the
/// same header). Comparisons are constant-time. Open only when the node was explicitly started insecure.
/// </summary>
internal sealed class Authenticator
{
    private readonly NodeOptions _options;

    public Authenticator(NodeOptions options) => _options = options;

    public void AuthenticateProducer(ServerCallContext context)
    {
        if (_options.AllowUnauthenticated) return;
        if (!Matches(BearerToken(context), _options.ApiKey)) throw new RpcException(StatusCode.Unauthenticated, "A valid API key is required: send 'authorization: Bearer <key>'.");
    }

    public void AuthenticateWorker(string helloToken, ServerCallContext context)
    {
        if (_options.AllowUnauthenticated) return;
        var token = string.IsNullOrEmpty(helloToken) ? BearerToken(context) : helloToken;
        if (!Matches(token, _options.WorkerToken)) throw new RpcException(StatusCode.Unauthenticated, "A valid worker token is required in Hello.token.");
    }

    private static string? BearerToken(ServerCallContext context)
    {
        var header = context.RequestHeaders.Get("authorization");
        const string prefix = "Bearer ";
        return header is not null && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }

    private static bool Matches(string? given, string? expected) =>
        given is not null && expected is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
