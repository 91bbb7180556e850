using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace Worcr.Grpc.Internal;

/// <summary>
/// One client call on the wire: sends the request, validates the response, reads messages and the final status,
/// and turns every failure (HTTP status, reset stream, cancellation, deadline) into an RpcException.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IClientCallReader<TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _deadlineCts = new();
    private readonly CancellationTokenSource _callCts;
    private readonly DateTime? _deadline;
    private Task<ResponseStart>? _responseStart;
    private Task<Metadata>? _responseHeaders;
    private HttpResponseMessage? _response;
    private int _disposed;

    public ClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _deadline = NormalizeDeadline(options.Deadline);
        _callCts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadlineCts.Token);
    }

    public CancellationToken CancellationToken => _callCts.Token;

    /// <summary>Set once the response has ended, with OK or not; writers use it to stop.</summary>
    public CallStatus? FinalStatus { get; private set; }

    public Task<Metadata> ResponseHeadersAsync => _responseHeaders ??= ReadResponseHeadersAsync();

    public void Start(HttpContent content)
    {
        var request = CreateRequest(content);
        StartDeadlineTimer();
        _responseStart = SendAsync(request);
    }

    public async Task<TResponse> ReadSingleAsync()
    {
        var found = false;
        TResponse result = default!;
        await foreach (var message in ReadAllAsync(default))
        {
            if (found)
            {
                throw new RpcException(StatusCode.Internal, "The server sent more than one message for a unary call.");
            }

            result = message;
            found = true;
        }

        return found ? result : throw new RpcException(StatusCode.Internal, "The server sent no message for a unary call.");
    }

    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Cancelling the reader cancels the call, as a caller who stops reading no longer wants the stream.
        using var registration = cancellationToken.Register(static state => ((ClientCall<TRequest, TResponse>)state!).Cancel(), this);
        var start = await GetResponseStartAsync();
        if (start.TrailersOnlyStatus is { } trailersOnly)
        {
            Finish(trailersOnly);
            yield break;
        }

        var reader = await OpenReaderAsync(start.Response);
        while (await MoveNextAsync(reader))
        {
            yield return reader.Current;
        }

        Finish(ClientStatusReader.FromTrailers(start.Response));
    }

    public void Cancel()
    {
        try
        {
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: the call is over anyway.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Cancelling before disposing the response makes HttpClient reset the stream (RST_STREAM CANCEL) if still open.
        Cancel();
        _response?.Dispose();
        _callCts.Dispose();
        _deadlineCts.Dispose();
    }

    /// <summary>Turns any failure into the status the caller should see, knowing why the call was cancelled.</summary>
    public RpcException Translate(Exception exception)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }

        if (_callCts.IsCancellationRequested)
        {
            return CancellationStatus();
        }

        return exception switch
        {
            HttpProtocolException protocol => Http2ErrorMapping.ToRpcException(protocol),
            HttpRequestException or IOException => new RpcException(StatusCode.Unavailable, $"Transport error: {exception.Message}"),
            OperationCanceledException => new RpcException(StatusCode.Cancelled, "Call cancelled."),
            _ => new RpcException(StatusCode.Internal, $"Client error: {exception.Message}"),
        };
    }

    private HttpRequestMessage CreateRequest(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue(GrpcProtocol.TeTrailers));
        request.Headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.IdentityEncoding);
        if (_deadline is { } deadline)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline - DateTime.UtcNow));
        }

        foreach (var (key, value) in _options.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        return request;
    }

    private void StartDeadlineTimer()
    {
        if (_deadline is not { } deadline)
        {
            return;
        }

        var remaining = deadline - DateTime.UtcNow;
        if (remaining > LongestTimer)
        {
            return; // Timers cannot run this long; the server still gets the deadline as grpc-timeout.
        }

        _deadlineCts.CancelAfter(remaining <= TimeSpan.Zero ? TimeSpan.Zero : remaining);
    }

    private async Task<ResponseStart> SendAsync(HttpRequestMessage request)
    {
        try
        {
            _response = await _channel.SendAsync(request, _callCts.Token);
            var trailersOnly = ClientStatusReader.FromResponseStart(_response);
            return new ResponseStart(_response, trailersOnly);
        }
        catch (Exception ex)
        {
            var translated = Translate(ex);
            FinalStatus = CallStatus.From(translated);
            if (request.Content is DuplexRequestContent duplex)
            {
                duplex.Fail(translated);
            }

            throw translated;
        }
    }

    private Task<ResponseStart> GetResponseStartAsync() =>
        _responseStart ?? throw new InvalidOperationException("The call was not started.");

    private async Task<Metadata> ReadResponseHeadersAsync()
    {
        var start = await GetResponseStartAsync();
        return ClientStatusReader.UserMetadata(start.Response.Headers);
    }

    private async Task<GrpcMessageReader<TResponse>> OpenReaderAsync(HttpResponseMessage response)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(_callCts.Token);
            return new GrpcMessageReader<TResponse>(stream, _method.ResponseParser, _channel.Options.MaxReceiveMessageSize);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    private async ValueTask<bool> MoveNextAsync(GrpcMessageReader<TResponse> reader)
    {
        try
        {
            return await reader.MoveNextAsync(_callCts.Token);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    /// <summary>A failed read ends the call: resets the stream so the server stops too.</summary>
    private RpcException Fail(Exception exception)
    {
        var translated = Translate(exception);
        FinalStatus = CallStatus.From(translated);
        Cancel();
        return translated;
    }

    private void Finish(CallStatus status)
    {
        FinalStatus = status;
        if (status.Code != StatusCode.OK)
        {
            throw status.ToException();
        }
    }

    private RpcException CancellationStatus()
    {
        if (!_options.CancellationToken.IsCancellationRequested && _deadlineCts.IsCancellationRequested)
        {
            return new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }

        return new RpcException(StatusCode.Cancelled, "Call cancelled by the client.");
    }

    private static DateTime? NormalizeDeadline(DateTime? deadline)
    {
        if (deadline is not { } value || value == DateTime.MaxValue)
        {
            return null;
        }

        return value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
    }

    private sealed record ResponseStart(HttpResponseMessage Response, CallStatus? TrailersOnlyStatus);
}
