using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// A gRPC call made by hand over plain HTTP/2, so a test can send what no well-behaved client would
/// (bad protobuf, a frame whose length lies) and read the status the node answers with.
/// </summary>
internal static class RawGrpcCall
{
    /// <summary>A frame header (uncompressed) declaring <paramref name="declaredLength"/>, followed by <paramref name="payload"/>.</summary>
    public static byte[] Frame(int declaredLength, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)declaredLength);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static async Task<RawGrpcResult> PostAsync(Uri node, string path, byte[] body)
    {
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // Reading the body to its end is what makes the trailers available.
        await response.Content.ReadAsByteArrayAsync();
        return new RawGrpcResult(
            (int)response.StatusCode,
            Header(response, "grpc-status") is { } status ? int.Parse(status, System.Globalization.CultureInfo.InvariantCulture) : null,
            Header(response, "grpc-message"));
    }

    /// <summary>A trailers-only answer carries the status in the headers; otherwise it is in the trailers.</summary>
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var inHeaders) ? inHeaders.First()
        : response.TrailingHeaders.TryGetValues(name, out var inTrailers) ? inTrailers.First()
        : null;
}

internal sealed record RawGrpcResult(int HttpStatus, int? GrpcStatus, string? GrpcMessage);
