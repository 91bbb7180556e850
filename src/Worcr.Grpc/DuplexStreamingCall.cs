using Google.Protobuf;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc;

/// <summary>
/// A call where both sides stream. Writes are serialised, so several tasks may write at once.
/// <see cref="CompleteRequestAsync"/> ends the request stream cleanly; disposing cancels the call (RST_STREAM).
/// </summary>
public sealed class DuplexStreamingCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly IClientCallReader<TResponse> _call;
    private readonly DuplexRequestContent _content;
    private readonly int _maxSendMessageSize;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _requestCompleted;

    internal DuplexStreamingCall(IClientCallReader<TResponse> call, DuplexRequestContent content, int maxSendMessageSize)
    {
        _call = call;
        _content = content;
        _maxSendMessageSize = maxSendMessageSize;
    }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public async Task WriteAsync(TRequest message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var frame = GrpcFrame.Serialize(message, _maxSendMessageSize);
        await _writeLock.WaitAsync(ct);
        try
        {
            EnsureWritable();
            await WriteFrameAsync(frame, ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Ends the request stream after any write in progress; the server sees a clean end of its input.</summary>
    public async Task CompleteRequestAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            _requestCompleted = true;
            _content.Complete();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public IAsyncEnumerable<TResponse> ReadAllAsync(CancellationToken ct = default) => _call.ReadAllAsync(ct);

    public ValueTask DisposeAsync()
    {
        _call.Dispose();
        _content.Complete();
        return ValueTask.CompletedTask;
    }

    private void EnsureWritable()
    {
        if (_requestCompleted)
        {
            throw new InvalidOperationException("The request stream was already completed.");
        }

        if (_call.FinalStatus is { } status)
        {
            throw status.Code == StatusCode.OK
                ? new InvalidOperationException("The call is already complete.")
                : status.ToException();
        }
    }

    private async Task WriteFrameAsync(byte[] frame, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _call.CancellationToken);
        try
        {
            var stream = await _content.StreamAsync.WaitAsync(linked.Token);
            await stream.WriteAsync(frame, linked.Token);
            await stream.FlushAsync(linked.Token);
        }
        catch (Exception ex) when (ex is not RpcException && !ct.IsCancellationRequested)
        {
            throw _call.Translate(ex);
        }
    }
}
