using Google.Protobuf;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc;

/// <summary>A call whose server sends a stream of messages. Disposing it before the end cancels the call.</summary>
public sealed class ServerStreamingCall<TResponse> : IDisposable
    where TResponse : IMessage<TResponse>
{
    private readonly IClientCallReader<TResponse> _call;

    internal ServerStreamingCall(IClientCallReader<TResponse> call)
    {
        _call = call;
    }

    /// <summary>The response headers (user metadata only), once the server sent them.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The messages in order; throws RpcException if the call ends with a non-OK status.</summary>
    public IAsyncEnumerable<TResponse> ReadAllAsync(CancellationToken ct = default) => _call.ReadAllAsync(ct);

    public void Dispose() => _call.Dispose();
}
