using System.Runtime.CompilerServices;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc.Server.Internal;

/// <summary>
/// One call on the server: reads request messages, writes response messages under a lock, and ends the call
/// with its status, in trailers when the response has started and as a trailers-only response when it has not.
/// </summary>
internal sealed class ServerCall : IDisposable
{
    private readonly HttpContext _http;
    private readonly GrpcServerOptions _options;
    private readonly ServerCallCancellation _cancellation;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Writing to BodyWriter does not start an HTTP/2 response, so whether the status can still go in the
    // headers (trailers-only) is tracked here rather than read from Response.HasStarted.
    private bool _responseStarted;
    private bool _completed;

    public ServerCall(HttpContext http, GrpcServerOptions options, ServerCallCancellation cancellation, ServerCallContext context)
    {
        _http = http;
        _options = options;
        _cancellation = cancellation;
        Context = context;
    }

    public ServerCallContext Context { get; }

    public ServerCallCancellation Cancellation => _cancellation;

    /// <summary>Puts the response HEADERS on the wire now, so a streaming client is not left waiting for them.</summary>
    public async Task StartResponseAsync()
    {
        await _writeLock.WaitAsync(Context.CancellationToken);
        try
        {
            // StartAsync alone does not send HEADERS for HTTP/2; the flush does.
            await _http.Response.StartAsync(Context.CancellationToken);
            await _http.Response.BodyWriter.FlushAsync(Context.CancellationToken);
            _responseStarted = true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Context.CancellationToken);
        await _writeLock.WaitAsync(linked.Token);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("The call is already complete; no more messages can be written.");
            }

            GrpcFrame.Write(_http.Response.BodyWriter, message, _options.MaxSendMessageSize);
            _responseStarted = true;
            await _http.Response.BodyWriter.FlushAsync(linked.Token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<T> ReadSingleAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var reader = CreateReader(parser);
        if (!await MoveNextAsync(reader))
        {
            throw new RpcException(StatusCode.Internal, "The request ended without a message.");
        }

        var message = reader.Current;
        if (await MoveNextAsync(reader))
        {
            throw new RpcException(StatusCode.Internal, "More than one request message for a single-request method.");
        }

        return message;
    }

    public async IAsyncEnumerable<T> ReadAllAsync<T>(MessageParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        var reader = CreateReader(parser);
        while (await MoveNextAsync(reader, cancellationToken))
        {
            yield return reader.Current;
        }

        // A clean end of the request stream is sometimes the first sign of a client cancel (the abort follows
        // it by milliseconds), so it only means "finished" if the call is still alive.
        Context.CancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Ends the call with a status; later writes fail. Safe to call once the handler has returned.</summary>
    public async Task CompleteAsync(RpcException? failure)
    {
        await _writeLock.WaitAsync();
        try
        {
            _completed = true;
            if (_http.RequestAborted.IsCancellationRequested)
            {
                return; // The stream is reset: no one is there to read a status.
            }

            WriteStatus(failure?.StatusCode ?? StatusCode.OK, failure?.Detail ?? "", failure?.Trailers);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private void WriteStatus(StatusCode code, string detail, Metadata? trailers)
    {
        if (_responseStarted)
        {
            var response = _http.Response;
            response.AppendTrailer(GrpcProtocol.StatusHeader, ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));
            AppendIfAny(response, GrpcProtocol.MessageHeader, GrpcStatusMessage.Encode(detail));
            foreach (var (key, value) in trailers ?? [])
            {
                response.AppendTrailer(key, value);
            }

            return;
        }

        // Trailers-only: nothing was sent yet, so the status rides in the one HEADERS frame, with END_STREAM.
        var headers = _http.Response.Headers;
        headers[GrpcProtocol.StatusHeader] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (detail.Length > 0)
        {
            headers[GrpcProtocol.MessageHeader] = GrpcStatusMessage.Encode(detail);
        }

        foreach (var (key, value) in trailers ?? [])
        {
            headers.Append(key, value);
        }
    }

    private static void AppendIfAny(HttpResponse response, string name, string value)
    {
        if (value.Length > 0)
        {
            response.AppendTrailer(name, value);
        }
    }

    private GrpcMessageReader<T> CreateReader<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(_http.Request.Body, parser, _options.MaxReceiveMessageSize);

    private async ValueTask<bool> MoveNextAsync<T>(GrpcMessageReader<T> reader, CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Context.CancellationToken);
        try
        {
            return await reader.MoveNextAsync(linked.Token);
        }
        catch (Exception ex) when (ex is not RpcException && !cancellationToken.IsCancellationRequested)
        {
            if (Context.CancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The call was cancelled.", ex, Context.CancellationToken);
            }

            // A broken request stream (reset, connection lost) means the client is gone, even if Kestrel
            // has not signalled RequestAborted yet; the handler sees it as a cancellation.
            _cancellation.MarkClientGone();
            throw new OperationCanceledException("The client cancelled the call.", ex, Context.CancellationToken);
        }
    }
}
