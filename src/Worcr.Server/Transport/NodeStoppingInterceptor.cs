using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Worcr.Server.Transport;

/// <summary>
/// Links the node's stop into every call: Grpc.AspNetCore cancels a handler only when its client leaves or its
/// deadline passes, so without this a worker stream or a watch would hold the node's shutdown open. A call
/// that ends because the node stops gets UNAVAILABLE, which clients retry (on another node, behind a balancer).
/// </summary>
internal sealed class NodeStoppingInterceptor(NodeStopping stopping) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var call = new StoppableCallContext(context, stopping.Token);
        try
        {
            return await continuation(request, call);
        }
        catch (Exception exception) when (call.EndedByStop(exception))
        {
            throw StoppingStatus();
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = new StoppableCallContext(context, stopping.Token);
        try
        {
            await continuation(request, responseStream, call);
        }
        catch (Exception exception) when (call.EndedByStop(exception))
        {
            throw StoppingStatus();
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = new StoppableCallContext(context, stopping.Token);
        try
        {
            return await continuation(requestStream, call);
        }
        catch (Exception exception) when (call.EndedByStop(exception))
        {
            throw StoppingStatus();
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = new StoppableCallContext(context, stopping.Token);
        try
        {
            await continuation(requestStream, responseStream, call);
        }
        catch (Exception exception) when (call.EndedByStop(exception))
        {
            throw StoppingStatus();
        }
    }

    private static RpcException StoppingStatus() =>
        new(new Status(StatusCode.Unavailable, "The node is shutting down; connect again (a load balancer picks another node)."));
}
