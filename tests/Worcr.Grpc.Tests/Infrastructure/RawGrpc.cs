using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Worcr.Grpc.Tests.Infrastructure;

/// <summary>Sends hand-made gRPC requests (bad frames, odd headers) and reports exactly what came back.</summary>
internal static class RawGrpc
{
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler());

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static byte[] Frame(byte[] payload, byte compressedFlag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static Task<RawResponse> SendAsync(
        Uri address, string path, byte[] body, string contentType = "application/grpc", params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(address, path, content, headers);
    }

    public static async Task<RawResponse> SendAsync(Uri address, string path, HttpContent content, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Invoker.SendAsync(request, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new RawResponse(
            (int)response.StatusCode,
            Header(response.Headers, "grpc-status"),
            Header(response.Headers, "grpc-message"),
            Header(response.TrailingHeaders, "grpc-status"),
            Header(response.TrailingHeaders, "grpc-message"),
            body);
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.First() : null;
}

/// <summary>A raw response: grpc-status as it came in the headers (trailers-only) or in the trailers.</summary>
internal sealed record RawResponse(
    int HttpStatus, string? HeaderStatus, string? HeaderMessage, string? TrailerStatus, string? TrailerMessage, byte[] Body)
{
    public string? Status => HeaderStatus ?? TrailerStatus;

    public string? Message => HeaderMessage ?? TrailerMessage;
}
