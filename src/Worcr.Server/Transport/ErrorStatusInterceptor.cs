using Grpc.Core;
using Grpc.Core.Interceptors;
using Worcr.Core.Errors;

namespace Worcr.Server.Transport;

/// <summary>
/// The one place where a domain error (<see cref="WorcrError"/>) becomes a gRPC status: every service and stream
/// throws the domain error, and the client sees its kind as the status code and its message as the detail. PostgreSQL
/// or Redis out of reach during a call (<see cref="StorageFaults"/>) is UNAVAILABLE, which clients retry.
/// </summary>
internal sealed class ErrorStatusInterceptor : Interceptor
{
    public static StatusCode StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.Conflict => StatusCode.FailedPrecondition,
        ErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        ErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        ErrorKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (WorcrError error)
        {
            throw ToRpc(error);
        }
        catch (Exception exception) when (StorageFaults.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (WorcrError error)
        {
            throw ToRpc(error);
        }
        catch (Exception exception) when (StorageFaults.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (WorcrError error)
        {
            throw ToRpc(error);
        }
        catch (Exception exception) when (StorageFaults.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (WorcrError error)
        {
            throw ToRpc(error);
        }
        catch (Exception exception) when (StorageFaults.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    private static RpcException ToRpc(WorcrError error) => new(new Status(StatusOf(error.Kind), error.Message), error.Message);

    private static RpcException Unreachable(Exception exception) => new(new Status(StatusCode.Unavailable, StorageFaults.Message, exception), StorageFaults.Message);
}
