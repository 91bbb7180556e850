using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Worcr.Grpc.Internal;

/// <summary>Writes length-prefixed messages: 1-byte compressed flag (always 0 here), 4-byte big-endian length, payload.</summary>
internal static class GrpcFrame
{
    public static byte[] Serialize(IMessage message, int maxMessageSize)
    {
        var size = CheckedSize(message, maxMessageSize);
        var frame = new byte[GrpcProtocol.FrameHeaderSize + size];
        WriteHeader(frame, size);
        message.WriteTo(frame.AsSpan(GrpcProtocol.FrameHeaderSize));
        return frame;
    }

    public static void Write(IBufferWriter<byte> writer, IMessage message, int maxMessageSize)
    {
        var size = CheckedSize(message, maxMessageSize);
        var span = writer.GetSpan(GrpcProtocol.FrameHeaderSize + size);
        WriteHeader(span, size);
        message.WriteTo(span.Slice(GrpcProtocol.FrameHeaderSize, size));
        writer.Advance(GrpcProtocol.FrameHeaderSize + size);
    }

    private static int CheckedSize(IMessage message, int maxMessageSize)
    {
        var size = message.CalculateSize();
        if (size > maxMessageSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {maxMessageSize}).");
        }

        return size;
    }

    private static void WriteHeader(Span<byte> destination, int size)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(1, 4), (uint)size);
    }
}
