using Grpc.Core;

namespace Worcr.Server.Transport;

/// <summary>
/// Hands the generated BindService's methods on to Grpc.AspNetCore's own binder with checked request marshallers
/// (<see cref="CheckedRequests"/>); the library still finds and invokes the handlers as it always does.
/// </summary>
internal sealed class CheckedRequestBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(CheckedRequests.Checked(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(CheckedRequests.Checked(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(CheckedRequests.Checked(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(CheckedRequests.Checked(method), handler);
}
