using Grpc.Net.Client;

namespace Worcr.Worker.Internal;

/// <summary>The SDK's channel to a node: h2c for http://, TLS for https://, 4 MiB messages both ways, keep-alive pings.</summary>
internal static class WorcrChannel
{
    /// <summary>The largest message sent or received, as in every gRPC implementation (and the node's default).</summary>
    public const int MaxMessageSize = 4 * 1024 * 1024;

    private static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    public static GrpcChannel Create(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = MaxMessageSize,
        MaxSendMessageSize = MaxMessageSize,
        HttpHandler = new SocketsHttpHandler
        {
            // Past the server's stream limit a call would queue; another connection takes it instead.
            EnableMultipleHttp2Connections = true,
            // Finds a dead node that never closes the socket, even while the worker's stream is idle.
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        },
        DisposeHttpClient = true,
    });
}
