using Grpc.Core;

namespace Worcr.Server.Transport;

/// <summary>
/// The call's context as the handler sees it: everything from the library's context, except a cancellation token
/// that also fires when the node stops.
/// </summary>
internal sealed class StoppableCallContext : ServerCallContext, IDisposable
{
    // Grpc.AspNetCore finds the HttpContext of a context it did not create under this key; it needs it to
    // create the service instance at the end of the interceptor chain.
    private const string HttpContextKey = "__HttpContext";
    private readonly ServerCallContext _inner;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenSource _linked;

    public StoppableCallContext(ServerCallContext inner, CancellationToken stopping)
    {
        _inner = inner;
        _stopping = stopping;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(inner.CancellationToken, stopping);
        inner.UserState[HttpContextKey] = inner.GetHttpContext();
    }

    /// <summary>True when the handler failed because the node stopped, while its client was still there and within its deadline.</summary>
    public bool EndedByStop(Exception exception) =>
        exception is not (RpcException or Core.Errors.WorcrError) && _stopping.IsCancellationRequested && !_inner.CancellationToken.IsCancellationRequested;

    public void Dispose() => _linked.Dispose();

    protected override string MethodCore => _inner.Method;

    protected override string HostCore => _inner.Host;

    protected override string PeerCore => _inner.Peer;

    protected override DateTime DeadlineCore => _inner.Deadline;

    protected override Metadata RequestHeadersCore => _inner.RequestHeaders;

    protected override CancellationToken CancellationTokenCore => _linked.Token;

    protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => _inner.Status;
        set => _inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => _inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => _inner.UserState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        _inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);
}
