using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// A gRPC call made by hand over plain HTTP/2, so a test can send what no well-behaved client would
/// (bad protobuf, a frame whose length lies, a compressed bomb) and read the status the node answers with.
/// </summary>
internal static class RawGrpcCall
{
    public const string Enqueue = "/worcr.v1.Jobs/Enqueue";

    /// <summary>A frame header declaring <paramref name="declaredLength"/>, followed by <paramref name="payload"/>.</summary>
    public static byte[] Frame(uint declaredLength, byte[] payload, byte flag = 0)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), declaredLength);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A well-formed frame of <paramref name="payload"/>.</summary>
    public static byte[] Frame(byte[] payload, byte flag = 0) => Frame((uint)payload.Length, payload, flag);

    public static Task<RawGrpcResult> PostAsync(Uri node, string path, byte[] body, string contentType = "application/grpc", params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return PostAsync(node, path, content, headers);
    }

    public static Task<RawGrpcResult> PostAsync(Uri node, string path, HttpContent content, params (string Name, string Value)[] headers) =>
        PostAsync(node, path, content, CancellationToken.None, headers);

    public static async Task<RawGrpcResult> PostAsync(Uri node, string path, HttpContent content, CancellationToken cancellationToken, params (string Name, string Value)[] headers)
    {
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        // Reading the body to its end is what makes the trailers available.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawGrpcResult(
            (int)response.StatusCode,
            Header(response, "grpc-status") is { } status ? int.Parse(status, System.Globalization.CultureInfo.InvariantCulture) : null,
            Header(response, "grpc-message"),
            response.Headers.NonValidated.TryGetValues("grpc-accept-encoding", out var accepted) ? accepted.ToString() : null,
            body);
    }

    /// <summary>A trailers-only answer carries the status in the headers; otherwise it is in the trailers.</summary>
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var inHeaders) ? inHeaders.First()
        : response.TrailingHeaders.NonValidated.TryGetValues(name, out var inTrailers) ? inTrailers.First()
        : null;
}

internal sealed record RawGrpcResult(int HttpStatus, int? GrpcStatus, string? GrpcMessage, string? AcceptEncoding, byte[] Body);

/// <summary>Request content that sends its bytes, then keeps the request stream open until released (or disposed).</summary>
internal sealed class HeldOpenContent : HttpContent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _bytes;

    public HeldOpenContent(byte[] bytes)
    {
        _bytes = bytes;
        Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
    }

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_bytes);
        await stream.FlushAsync();
        await _release.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }
}
