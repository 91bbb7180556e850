using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Worcr.Grpc.Server;

public static class KestrelGrpcExtensions
{
    /// <summary>Each worker holds one long stream; 100 (Kestrel's default) would cap workers per connection.</summary>
    public const int MaxStreamsPerConnection = 10_000;

    /// <summary>A peer that vanished without FIN is found by an unanswered ping within delay + timeout.</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Kestrel limits suited to long-lived gRPC streams: many streams per connection and keep-alive pings.</summary>
    public static KestrelServerOptions ConfigureGrpcDefaults(this KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
        options.Limits.Http2.KeepAlivePingDelay = KeepAlivePingDelay;
        options.Limits.Http2.KeepAlivePingTimeout = KeepAlivePingTimeout;
        return options;
    }
}
