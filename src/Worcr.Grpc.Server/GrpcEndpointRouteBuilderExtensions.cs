using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Worcr.Grpc.Internal;
using Worcr.Grpc.Server.Internal;

namespace Worcr.Grpc.Server;

/// <summary>
/// Maps gRPC methods onto endpoint routing, one POST endpoint per method at its full path.
/// Call <c>services.AddWorcrGrpc()</c> first, and <see cref="MapGrpcFallback"/> once so unknown methods get UNIMPLEMENTED.
/// </summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var runner = CreateRunner(endpoints);
        return endpoints.MapPost(method.FullName, http => runner.RunAsync(http, method.FullName, streamsResponse: false, async call =>
        {
            var request = await call.ReadSingleAsync(method.RequestParser);
            var response = await handler(request, call.Context);
            await call.WriteMessageAsync(response, call.Context.CancellationToken);
        }));
    }

    public static IEndpointConventionBuilder MapServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var runner = CreateRunner(endpoints);
        return endpoints.MapPost(method.FullName, http => runner.RunAsync(http, method.FullName, streamsResponse: true, async call =>
        {
            var request = await call.ReadSingleAsync(method.RequestParser);
            await handler(request, new ServerStreamWriter<TResponse>(call), call.Context);
        }));
    }

    public static IEndpointConventionBuilder MapDuplex<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        Func<IAsyncEnumerable<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var runner = CreateRunner(endpoints);
        return endpoints.MapPost(method.FullName, http => runner.RunAsync(http, method.FullName, streamsResponse: true, call =>
            handler(call.ReadAllAsync(method.RequestParser), new ServerStreamWriter<TResponse>(call), call.Context)));
    }

    /// <summary>
    /// Answers UNIMPLEMENTED to any gRPC POST that no mapped method matched. Other POSTs that match nothing get 404,
    /// as they would without it; routes mapped by other parts of the app win because a catch-all ranks last.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcFallback(this IEndpointRouteBuilder endpoints)
    {
        var runner = CreateRunner(endpoints);
        return endpoints.MapPost("{**grpcMethod}", http =>
        {
            if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return runner.RunAsync(http, http.Request.Path, streamsResponse: false, _ =>
                throw new RpcException(StatusCode.Unimplemented, $"Method '{http.Request.Path}' is not implemented."));
        });
    }

    /// <summary>Serves grpc.health.v1.Health Check and Watch from <paramref name="health"/>.</summary>
    public static IEndpointRouteBuilder MapGrpcHealth(this IEndpointRouteBuilder endpoints, HealthService health)
    {
        ArgumentNullException.ThrowIfNull(health);
        endpoints.MapUnary(HealthMethods.Check, health.CheckAsync);
        endpoints.MapServerStreaming(HealthMethods.Watch, health.WatchAsync);
        return endpoints;
    }

    private static ServerCallRunner CreateRunner(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var options = services.GetService<GrpcServerOptions>()
            ?? throw new InvalidOperationException("Call services.AddWorcrGrpc() before mapping gRPC methods.");
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Worcr.Grpc.Server");
        var shutdown = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        return new ServerCallRunner(options, logger, shutdown);
    }
}
