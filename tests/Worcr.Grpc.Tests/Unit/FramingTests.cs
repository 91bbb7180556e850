using System.Buffers;
using Worcr.Grpc.Internal;
using Worcr.Grpc.Tests.Infrastructure;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Unit;

public sealed class FramingTests
{
    private const int Max = 1024;

    [Fact]
    public async Task Messages_split_across_many_small_reads_are_reassembled_in_order()
    {
        var frames = Concat(
            GrpcFrame.Serialize(new TestReply { Text = "first", Index = 1 }, Max),
            GrpcFrame.Serialize(new TestReply { Text = "second", Index = 2 }, Max));
        var stream = new TrickleStream(frames, bytesPerRead: 3);
        var reader = new GrpcMessageReader<TestReply>(stream, TestReply.Parser, Max);

        var messages = await ReadAllAsync(reader);

        Assert.Equal(["first", "second"], messages.Select(m => m.Text));
        Assert.True(stream.ReadCalls > frames.Length / 3);
    }

    [Fact]
    public async Task A_zero_length_frame_is_a_message_with_default_fields()
    {
        var reader = new GrpcMessageReader<TestReply>(new MemoryStream(RawGrpc.Frame([])), TestReply.Parser, Max);

        var messages = await ReadAllAsync(reader);

        Assert.Equal(new TestReply(), Assert.Single(messages));
    }

    [Fact]
    public void Serialising_a_default_message_writes_only_the_five_byte_prefix()
    {
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, GrpcFrame.Serialize(new TestReply(), Max));
    }

    [Fact]
    public async Task The_prefix_is_a_zero_flag_and_a_big_endian_length()
    {
        var writer = new ArrayBufferWriter<byte>();
        var message = TestService.Padded(300);

        GrpcFrame.Write(writer, message, Max);

        var size = message.CalculateSize();
        Assert.Equal(new byte[] { 0, 0, 0, (byte)(size >> 8), (byte)size }, writer.WrittenSpan[..5].ToArray());
        var reader = new GrpcMessageReader<TestRequest>(new MemoryStream(writer.WrittenSpan.ToArray()), TestRequest.Parser, Max);
        Assert.Equal(message, Assert.Single(await ReadAllAsync(reader)));
    }

    [Fact]
    public async Task A_message_of_exactly_the_maximum_size_is_accepted()
    {
        var message = PaddedToExactly(Max);
        var reader = new GrpcMessageReader<TestRequest>(new MemoryStream(GrpcFrame.Serialize(message, Max)), TestRequest.Parser, Max);

        Assert.Equal(message, Assert.Single(await ReadAllAsync(reader)));
    }

    [Fact]
    public async Task A_declared_length_over_the_maximum_fails_before_any_payload_is_read()
    {
        var stream = new MemoryStream(RawGrpc.Frame(new byte[Max + 1]));
        var reader = new GrpcMessageReader<TestReply>(stream, TestReply.Parser, Max);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync(default).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(5, stream.Position);
    }

    [Fact]
    public void Sending_a_message_over_the_maximum_fails_with_resource_exhausted()
    {
        var error = Assert.Throws<RpcException>(() => GrpcFrame.Serialize(PaddedToExactly(Max + 1), Max));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public async Task A_stream_ending_inside_a_frame_is_an_incomplete_message(int bytesKept)
    {
        var frame = GrpcFrame.Serialize(new TestReply { Text = "truncated" }, Max);
        var reader = new GrpcMessageReader<TestReply>(new MemoryStream(frame[..bytesKept]), TestReply.Parser, Max);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync(default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("incomplete message", error.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_compressed_frame_is_unimplemented_because_no_codec_was_negotiated()
    {
        var reader = new GrpcMessageReader<TestReply>(new MemoryStream(RawGrpc.Frame([8, 1], compressedFlag: 1)), TestReply.Parser, Max);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync(default).AsTask());

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_are_internal()
    {
        var reader = new GrpcMessageReader<TestReply>(new MemoryStream(RawGrpc.Frame([0xFF, 0xFF, 0xFF])), TestReply.Parser, Max);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.MoveNextAsync(default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    private static TestRequest PaddedToExactly(int size)
    {
        // The field overhead (tags, length varints) is the same for both paddings at these sizes.
        var overhead = TestService.Padded(size).CalculateSize() - size;
        var message = TestService.Padded(size - overhead);
        Assert.Equal(size, message.CalculateSize());
        return message;
    }

    private static async Task<List<T>> ReadAllAsync<T>(GrpcMessageReader<T> reader)
        where T : Google.Protobuf.IMessage<T>
    {
        var messages = new List<T>();
        while (await reader.MoveNextAsync(default))
        {
            messages.Add(reader.Current);
        }

        return messages;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
