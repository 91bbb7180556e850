using System.Net;
using Google.Protobuf;
using Worcr.Grpc.Tests.Infrastructure;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Functional;

/// <summary>Malformed requests get a clean status, and the server goes on serving after each.</summary>
public sealed class BadInputTests(GrpcTestServer server) : FunctionalTest(server)
{
    private static readonly string Echo = TesterMethods.Echo.FullName;

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_the_payload_arrives()
    {
        // Only the 5-byte prefix is sent and the request stays open: an answer proves nothing was buffered.
        var content = new HeldOpenContent(RawGrpc.Frame([], declaredLength: 10 * 1024 * 1024));
        try
        {
            var response = await RawGrpc.SendAsync(Server.Address, Echo, content);

            Assert.Equal(((int)StatusCode.ResourceExhausted).ToString(), response.Status);
        }
        finally
        {
            content.Release();
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_truncated_frame_is_internal_incomplete_message()
    {
        var frame = RawGrpc.Frame(new TestRequest { Text = "cut short" });

        var response = await RawGrpc.SendAsync(Server.Address, Echo, frame[..^3]);

        Assert.Equal(((int)StatusCode.Internal).ToString(), response.Status);
        Assert.Contains("incomplete message", response.Message, StringComparison.OrdinalIgnoreCase);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_compressed_frame_is_unimplemented()
    {
        var frame = RawGrpc.Frame(new TestRequest { Text = "zip" }.ToByteArray(), compressedFlag: 1);

        var response = await RawGrpc.SendAsync(Server.Address, Echo, frame);

        Assert.Equal(((int)StatusCode.Unimplemented).ToString(), response.Status);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_request_declaring_a_compression_codec_is_unimplemented()
    {
        var response = await RawGrpc.SendAsync(
            Server.Address, Echo, RawGrpc.Frame(new TestRequest()), "application/grpc", ("grpc-encoding", "gzip"));

        Assert.Equal(((int)StatusCode.Unimplemented).ToString(), response.HeaderStatus);
        Assert.Contains("gzip", response.HeaderMessage);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_are_internal()
    {
        var response = await RawGrpc.SendAsync(Server.Address, Echo, RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF]));

        Assert.Equal(((int)StatusCode.Internal).ToString(), response.Status);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_unary_request_without_a_message_is_internal()
    {
        var response = await RawGrpc.SendAsync(Server.Address, Echo, []);

        Assert.Equal(((int)StatusCode.Internal).ToString(), response.Status);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_unary_request_with_two_messages_is_internal()
    {
        var frame = RawGrpc.Frame(new TestRequest { Text = "one" });

        var response = await RawGrpc.SendAsync(Server.Address, Echo, [.. frame, .. frame]);

        Assert.Equal(((int)StatusCode.Internal).ToString(), response.Status);
        await AssertStillServesAsync();
    }

    /// <summary>Sends its bytes, then keeps the request stream open until released.</summary>
    private sealed class HeldOpenContent : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _bytes;

        public HeldOpenContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new("application/grpc");
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
    }
}
