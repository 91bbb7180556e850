using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc;

/// <summary>
/// A client connection to one gRPC server: h2c for http:// addresses, TLS for https://.
/// One channel shares one handler (and so its HTTP/2 connections) between all calls; create one and reuse it.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    private readonly HttpMessageInvoker _invoker;

    public GrpcChannel(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"A gRPC address must be http:// or https://, not '{address}'.", nameof(address));
        }

        Options = options ?? new GrpcChannelOptions();
        Options.Validate();
        Address = address;

        // HttpMessageInvoker rather than HttpClient: HttpClient's 100 s default timeout would cut long streams.
        _invoker = Options.Handler is { } handler
            ? new HttpMessageInvoker(handler, disposeHandler: false)
            : new HttpMessageInvoker(CreateDefaultHandler(), disposeHandler: true);
    }

    public Uri Address { get; }

    internal GrpcChannelOptions Options { get; }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        using var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(CreateSingleMessageContent(request));
        return await call.ReadSingleAsync();
    }

    public ServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var content = CreateSingleMessageContent(request);
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(content);
        return new ServerStreamingCall<TResponse>(call);
    }

    public DuplexStreamingCall<TRequest, TResponse> Duplex<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        var content = new DuplexRequestContent();
        call.Start(content);
        return new DuplexStreamingCall<TRequest, TResponse>(call, content, Options.MaxSendMessageSize);
    }

    public void Dispose() => _invoker.Dispose();

    internal Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    private ByteArrayContent CreateSingleMessageContent(IMessage request)
    {
        var content = new ByteArrayContent(GrpcFrame.Serialize(request, Options.MaxSendMessageSize));
        content.Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);
        return content;
    }

    private static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        // Past 100 concurrent streams (the server's usual limit) a call would queue; open another connection instead.
        EnableMultipleHttp2Connections = true,
        // Detects a dead server that never closes the socket, even while a stream is idle.
        KeepAlivePingDelay = KeepAlivePingDelay,
        KeepAlivePingTimeout = KeepAlivePingTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
    };
}
