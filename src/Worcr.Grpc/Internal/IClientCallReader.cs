namespace Worcr.Grpc.Internal;

/// <summary>The reading half of a client call, without its request type, so call wrappers need only the response type.</summary>
internal interface IClientCallReader<TResponse> : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    CallStatus? FinalStatus { get; }

    CancellationToken CancellationToken { get; }

    IAsyncEnumerable<TResponse> ReadAllAsync(CancellationToken cancellationToken);

    RpcException Translate(Exception exception);
}
