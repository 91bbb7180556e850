using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Worcr.Server.Enqueue;
using Worcr.Server.Events;
using Worcr.Server.Hosting;
using Worcr.Server.Limits;
using Worcr.Server.Workers;

namespace Worcr.Server.Transport;

/// <summary>
/// The node's gRPC server on Grpc.AspNetCore: Kestrel limits for long-lived worker streams, message limits both
/// ways, no compression, the node's stop linked into every call, grpc.health.v1 fed by the PostgreSQL and Redis
/// health checks, and server reflection. See docs/protocol.md, Transport.
/// </summary>
internal static class NodeGrpc
{
    /// <summary>Each worker holds one long stream; Kestrel's default of 100 would cap the workers behind one connection.</summary>
    public const int MaxStreamsPerConnection = 10_000;

    /// <summary>A health probe that does not answer within this time counts as unhealthy.</summary>
    public static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Registers the gRPC server; <paramref name="stopping"/> ends every call still running when the node stops (UNAVAILABLE).</summary>
    public static void Register(WebApplicationBuilder builder, NodeOptions options, CancellationToken stopping, NodeHealthProbes probes)
    {
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureLimits(kestrel, options));
        builder.Services.AddSingleton(new NodeStopping(stopping));
        // One instance of each service for the node; the container gives each its parts.
        builder.Services.AddSingleton<WatchSlots>().AddSingleton<WatchService>().AddSingleton<JobsService>();
        builder.Services.AddSingleton<WorkerIdClaims>().AddSingleton<WorkerConnection>().AddSingleton<LimitsService>().AddSingleton<WorkersService>();
        // Interceptors the container holds are used as they are; one it does not hold would be built for every call by a
        // factory compiled from an expression tree (System.Linq.Expressions loaded and its lambda JIT-compiled: about
        // 2.5 MB of the node's RSS, bench/RESULTS.md session 23). Both are stateless.
        builder.Services.AddSingleton<NodeStoppingInterceptor>().AddSingleton<ErrorStatusInterceptor>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxMessageSize;
            grpc.MaxSendMessageSize = options.MaxMessageSize;
            grpc.Interceptors.Add<NodeStoppingInterceptor>();
            grpc.Interceptors.Add<ErrorStatusInterceptor>();
        });
        // Compression stays off: a compressed message gets UNIMPLEMENTED before anything is inflated, so a
        // decompression bomb costs nothing. Clearing the providers inside AddGrpc does not remove gzip (the
        // library adds its default after that delegate ran); a PostConfigure runs last and does.
        builder.Services.PostConfigure<GrpcServiceOptions>(grpc => grpc.CompressionProviders.Clear());
        builder.Services.AddGrpcHealthChecks()
            .AddCheck("postgres", new ProbeHealthCheck(probes.Postgres), HealthStatus.Unhealthy, timeout: HealthCheckTimeout)
            .AddCheck("redis", new ProbeHealthCheck(probes.Redis), HealthStatus.Unhealthy, timeout: HealthCheckTimeout);
        builder.Services.AddGrpcReflection();
    }

    /// <summary>Maps every gRPC service.</summary>
    public static void Map(WebApplication app)
    {
        FrameChecks.Use(app, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ListenerOptions>>().Value.MaxMessageSize);
        app.MapGrpcService<JobsService>();
        app.MapGrpcService<WorkersService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
    }

    private static void ConfigureLimits(KestrelServerOptions kestrel, NodeOptions options)
    {
        kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
        // A peer that vanished without FIN is found by an unanswered ping within delay + timeout.
        kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay;
        kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
    }
}
