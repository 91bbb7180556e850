using System.Net;
using System.Net.Http.Headers;

namespace Worcr.Grpc.Internal;

/// <summary>
/// A request body that stays open while the caller writes messages. HttpClient hands us the HTTP/2 stream in
/// SerializeToStreamAsync; we publish it to writers and hold it open until the request side completes.
/// </summary>
internal sealed class DuplexRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DuplexRequestContent()
    {
        Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);
    }

    public Task<Stream> StreamAsync => _stream.Task;

    /// <summary>Ends the request stream cleanly (END_STREAM), after the last message written.</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>The call failed before or while sending: writers waiting for the stream get the call's status.</summary>
    public void Fail(Exception exception)
    {
        _stream.TrySetException(exception);
        _completed.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // Flushing first puts the request HEADERS on the wire now; without it they were sometimes held back
        // until the first message, and a server that speaks first waited forever.
        await stream.FlushAsync(cancellationToken);
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
