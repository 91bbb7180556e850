using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Admin;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Transport;

/// <summary>
/// Hostile or broken gRPC, sent by hand over HTTP/2: every request gets a clean status (or HTTP 415 for a request
/// that is not gRPC at all), nothing is buffered or inflated on a lie, and the node serves the next caller.
/// </summary>
public sealed class MalformedGrpcTests(SingleNodeFixture fixture) : IClassFixture<SingleNodeFixture>
{
    private Uri Node => fixture.Cluster.Nodes[0].GrpcAddress;

    private WorcrClient Client => fixture.Cluster.Client();

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_the_payload_arrives()
    {
        // Only the 5-byte prefix is sent and the request stays open: an answer proves nothing was waited for or buffered.
        using var content = new HeldOpenContent(RawGrpcCall.Frame(10 * 1024 * 1024, []));

        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, content);

        Assert.Equal((int)StatusCode.ResourceExhausted, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    /// <summary>
    /// The length prefix is an unsigned 32-bit number. Grpc.AspNetCore reports 2 GiB or more as an exception (UNKNOWN,
    /// an error in the log); the node's frame check answers RESOURCE_EXHAUSTED naming the limit for every size over
    /// it, before any payload, and the node goes on serving.
    /// </summary>
    [Theory]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0x8000_0000u)]
    [InlineData(uint.MaxValue)]
    public async Task Declared_sizes_up_to_4_GiB_are_resource_exhausted_before_any_payload(uint declared)
    {
        using var content = new HeldOpenContent(RawGrpcCall.Frame(declared, [0x0A]));

        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, content);

        Assert.True(result.GrpcStatus == (int)StatusCode.ResourceExhausted, $"HTTP {result.HttpStatus}, grpc-status {result.GrpcStatus}: {result.GrpcMessage}");
        Assert.Contains($"declares {declared} bytes", Uri.UnescapeDataString(result.GrpcMessage ?? ""), StringComparison.Ordinal);
        Assert.Contains("MaxMessageSize", Uri.UnescapeDataString(result.GrpcMessage ?? ""), StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task A_second_message_declaring_4_GiB_on_a_worker_stream_ends_it_with_resource_exhausted()
    {
        // A valid Hello frame, then a frame whose prefix declares 4 GiB - 1: the check follows frames, not only the first.
        var hello = new WorkerMessage { Hello = new Hello { WorkerId = "frames-" + Guid.NewGuid().ToString("N")[..8], Capacity = 1, JobTypes = { "test.echo" } } }.ToByteArray();
        using var content = new HeldOpenContent([.. RawGrpcCall.Frame(hello), .. RawGrpcCall.Frame(uint.MaxValue, [0x0A])]);

        var result = await RawGrpcCall.PostAsync(Node, "/worcr.v1.Workers/Connect", content);

        Assert.True(result.GrpcStatus == (int)StatusCode.ResourceExhausted, $"HTTP {result.HttpStatus}, grpc-status {result.GrpcStatus}: {result.GrpcMessage}");
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task A_frame_whose_length_prefix_is_longer_than_its_body_is_an_incomplete_message()
    {
        byte[] tenBytes = [.. Enumerable.Repeat((byte)0x08, 10)];

        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, RawGrpcCall.Frame(100, tenBytes));

        Assert.Equal((int)StatusCode.Internal, result.GrpcStatus);
        Assert.Contains("incomplete", result.GrpcMessage, StringComparison.OrdinalIgnoreCase);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task A_cut_frame_header_is_an_incomplete_message()
    {
        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, [0, 0, 0]);

        Assert.Equal((int)StatusCode.Internal, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_get_a_clean_error_status()
    {
        // Field 1 (job) says it is 127 bytes long, but only garbage and then the end follow.
        byte[] notProtobuf = [0x0A, 0x7F, 0xFF, 0xFF, 0xFF];

        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, RawGrpcCall.Frame(notProtobuf));

        Assert.Equal(200, result.HttpStatus);
        Assert.NotNull(result.GrpcStatus);
        Assert.NotEqual((int)StatusCode.OK, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task An_unknown_flag_in_the_frame_header_is_internal()
    {
        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, RawGrpcCall.Frame([], flag: 2));

        Assert.Equal((int)StatusCode.Internal, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task A_compressed_frame_without_an_encoding_is_internal()
    {
        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, RawGrpcCall.Frame([0x0A, 0x00], flag: 1));

        Assert.Equal((int)StatusCode.Internal, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    /// <summary>
    /// Regression for a library trap: clearing the compression providers inside AddGrpc leaves gzip on. The node
    /// must announce identity only and refuse a gzip body without inflating it (64 MiB of zeros in ~64 KiB).
    /// </summary>
    [Fact]
    public async Task A_gzip_bomb_is_refused_unread_with_unimplemented_and_only_identity_is_offered()
    {
        var bomb = RawGrpcCall.Frame(Gzip(new byte[64 * 1024 * 1024]), flag: 1);

        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, bomb, "application/grpc", ("grpc-encoding", "gzip"));

        Assert.Equal((int)StatusCode.Unimplemented, result.GrpcStatus);
        Assert.Contains("gzip", result.GrpcMessage, StringComparison.Ordinal);
        Assert.Equal("identity", result.AcceptEncoding);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task A_unary_request_without_a_message_is_internal()
    {
        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, []);

        Assert.Equal((int)StatusCode.Internal, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task A_unary_request_with_two_messages_is_internal()
    {
        var frame = RawGrpcCall.Frame(new EnqueueRequest().ToByteArray());

        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, [.. frame, .. frame]);

        Assert.Equal((int)StatusCode.Internal, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task A_request_that_is_not_grpc_gets_http_415(string contentType)
    {
        var result = await RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, RawGrpcCall.Frame([]), contentType);

        Assert.Equal(415, result.HttpStatus);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task An_unknown_method_is_unimplemented()
    {
        using var channel = GrpcChannel.ForAddress(Node);
        var method = new Method<EnqueueRequest, EnqueueResponse>(MethodType.Unary, "worcr.v1.Jobs", "NoSuchMethod",
            Marshallers.Create(m => m.ToByteArray(), EnqueueRequest.Parser.ParseFrom), Marshallers.Create(m => m.ToByteArray(), EnqueueResponse.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(), new EnqueueRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        await NodeProbe.AssertStillServesAsync(Client);
    }

    [Fact]
    public async Task Abandoned_requests_and_reset_streams_leave_the_node_serving()
    {
        // Half-sent unary frames whose callers give up (RST_STREAM), and worker streams reset right after Hello.
        var abandoned = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var giveUp = new CancellationTokenSource();
            using var content = new HeldOpenContent(RawGrpcCall.Frame(100, [0x0A, 0x05]));
            var call = RawGrpcCall.PostAsync(Node, RawGrpcCall.Enqueue, content, giveUp.Token);
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        });
        await Task.WhenAll(abandoned);
        for (var i = 0; i < 5; i++)
        {
            using var channel = GrpcChannel.ForAddress(Node);
            var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
            var hello = new Hello { WorkerId = $"reset-{i}-{Guid.NewGuid():N}"[..20], Capacity = 1 };
            hello.JobTypes.Add("test.echo");
            await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
            await using (var replies = call.ReadPatiently())
            {
                Assert.True(await replies.MoveNextAsync());
                Assert.NotNull(replies.Current.Welcome);
            }
            call.Dispose();
        }

        await Eventually.ReadUntilAsync(() => Task.FromResult(fixture.Cluster.Nodes[0].ConnectedWorkers), n => n == 0, TimeSpan.FromSeconds(30), "the reset workers to be gone");
        await NodeProbe.AssertStillServesAsync(Client);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(data);
        return output.ToArray();
    }
}
