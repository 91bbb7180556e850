using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Worcr.Grpc.Internal;

/// <summary>
/// Reads length-prefixed messages from a stream, one at a time. Every malformed input becomes an RpcException
/// with the status the spec asks for; the declared length is checked before a single payload byte is buffered.
/// </summary>
internal sealed class GrpcMessageReader<T>(Stream stream, MessageParser<T> parser, int maxMessageSize)
    where T : IMessage<T>
{
    private readonly byte[] _header = new byte[GrpcProtocol.FrameHeaderSize];

    public T Current { get; private set; } = default!;

    /// <summary>False at a clean end of stream (no partial frame pending).</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        var headerBytes = await stream.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken);
        if (headerBytes == 0)
        {
            return false;
        }

        if (headerBytes < _header.Length)
        {
            throw IncompleteMessage();
        }

        var length = CheckHeader();
        Current = await ReadPayloadAsync(length, cancellationToken);
        return true;
    }

    private int CheckHeader()
    {
        switch (_header[0])
        {
            case 0:
                break;
            case 1:
                throw new RpcException(
                    StatusCode.Unimplemented,
                    "Compressed message received, but no compression was negotiated (only 'identity' is accepted).");
            default:
                throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {_header[0]} in message header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(1));
        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize}).");
        }

        return (int)length;
    }

    private async ValueTask<T> ReadPayloadAsync(int length, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            // Nothing to read: a zero-length frame is a message with every field at its default.
            return Parse([], 0);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken);
            if (read < length)
            {
                throw IncompleteMessage();
            }

            return Parse(buffer, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private T Parse(byte[] buffer, int length)
    {
        try
        {
            return parser.ParseFrom(buffer, 0, length);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, $"Failed to deserialize message: {ex.Message}");
        }
    }

    private static RpcException IncompleteMessage() =>
        new(StatusCode.Internal, "Incomplete message: the stream ended inside a length-prefixed frame.");
}
