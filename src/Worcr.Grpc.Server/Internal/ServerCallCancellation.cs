namespace Worcr.Grpc.Server.Internal;

/// <summary>
/// One token for the handler that fires on client cancel, deadline or shutdown, remembering which came first
/// so the call ends with the right status.
/// </summary>
internal sealed class ServerCallCancellation : IDisposable
{
    private readonly CancellationTokenSource _deadline = new();
    private readonly CancellationTokenSource _clientGone = new();
    private readonly CancellationToken _requestAborted;
    private readonly CancellationToken _shutdown;
    private readonly CancellationTokenSource _linked;

    public ServerCallCancellation(CancellationToken requestAborted, CancellationToken shutdown, TimeSpan? timeout)
    {
        _requestAborted = requestAborted;
        _shutdown = shutdown;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, shutdown, _deadline.Token, _clientGone.Token);
        if (timeout is { } value)
        {
            _deadline.CancelAfter(value);
        }
    }

    public CancellationToken Token => _linked.Token;

    public bool ClientCancelled => _requestAborted.IsCancellationRequested || _clientGone.IsCancellationRequested;

    /// <summary>The request stream broke before Kestrel signalled RequestAborted: treat it as the client's cancel now.</summary>
    public void MarkClientGone() => _clientGone.Cancel();

    /// <summary>The status for a call that stopped because its token fired, or null if it has not.</summary>
    public RpcException? Reason()
    {
        if (!_linked.IsCancellationRequested)
        {
            return null;
        }

        if (ClientCancelled)
        {
            return new RpcException(StatusCode.Cancelled, "The client cancelled the call.");
        }

        if (_deadline.IsCancellationRequested)
        {
            return new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }

        return _shutdown.IsCancellationRequested
            ? new RpcException(StatusCode.Unavailable, "The server is shutting down.")
            : new RpcException(StatusCode.Cancelled, "The call was cancelled.");
    }

    public void Dispose()
    {
        _linked.Dispose();
        _deadline.Dispose();
        _clientGone.Dispose();
    }
}
