using Microsoft.AspNetCore.Http;

namespace Worcr.Grpc.Server;

/// <summary>What a handler knows about its call.</summary>
public sealed class ServerCallContext
{
    internal ServerCallContext(
        string method, Metadata requestHeaders, DateTime? deadline, CancellationToken cancellationToken, HttpContext httpContext)
    {
        Method = method;
        RequestHeaders = requestHeaders;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        HttpContext = httpContext;
        Peer = FormatPeer(httpContext);
    }

    /// <summary>The full method path, e.g. "/worcr.v1.Jobs/Enqueue".</summary>
    public string Method { get; }

    /// <summary>The caller's custom metadata (protocol headers removed).</summary>
    public Metadata RequestHeaders { get; }

    /// <summary>The caller's deadline in UTC, from grpc-timeout; null when none was sent.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Cancelled when the client cancels, the deadline passes, or the server shuts down.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The caller's address as gRPC prints it: "ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000".</summary>
    public string Peer { get; }

    public HttpContext HttpContext { get; }

    private static string FormatPeer(HttpContext httpContext)
    {
        var connection = httpContext.Connection;
        if (connection.RemoteIpAddress is not { } address)
        {
            return "unknown";
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{connection.RemotePort}"
            : $"ipv4:{address}:{connection.RemotePort}";
    }
}
