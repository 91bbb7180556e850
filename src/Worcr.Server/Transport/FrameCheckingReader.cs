using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;

namespace Worcr.Server.Transport;

/// <summary>
/// A gRPC request body reader that reads each message's 5-byte frame header as the bytes go by and refuses a
/// declared length over the message limit with RESOURCE_EXHAUSTED, and a flag other than 0 or 1 with INTERNAL, before
/// any payload is waited for. Grpc.AspNetCore refuses a length between the limit and 2 GiB itself, but a length of
/// 2 GiB or more (the prefix is an unsigned 32-bit number) and an unknown flag reach it as exceptions it reports as
/// UNKNOWN, with an error in the log. Payload bytes are skipped by count, never inspected.
/// </summary>
internal sealed class FrameCheckingReader(PipeReader inner, int maxMessageSize) : PipeReader
{
    private const int HeaderSize = 5;
    private readonly byte[] _header = new byte[HeaderSize];
    private int _headerFilled;
    private long _payloadLeft;
    // Positions in the whole body: where the current buffer starts and how far the headers were read.
    private long _bufferStart;
    private long _checkedUpTo;
    private ReadOnlySequence<byte> _buffer;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        Checked(await inner.ReadAsync(cancellationToken));

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result)) return false;
        result = Checked(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed)
    {
        _bufferStart += _buffer.Slice(_buffer.Start, consumed).Length;
        inner.AdvanceTo(consumed);
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _bufferStart += _buffer.Slice(_buffer.Start, consumed).Length;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private ReadResult Checked(ReadResult result)
    {
        _buffer = result.Buffer;
        var toCheck = result.Buffer.Slice(_checkedUpTo - _bufferStart);
        try
        {
            foreach (var segment in toCheck) Check(segment.Span);
        }
        catch (RpcException)
        {
            // The call ends here; give the bytes back so the server can finish the request cleanly.
            inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            throw;
        }
        _checkedUpTo = _bufferStart + result.Buffer.Length;
        return result;
    }

    private void Check(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                var skipped = (int)Math.Min(_payloadLeft, bytes.Length);
                _payloadLeft -= skipped;
                bytes = bytes[skipped..];
                continue;
            }
            var taken = Math.Min(HeaderSize - _headerFilled, bytes.Length);
            bytes[..taken].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += taken;
            bytes = bytes[taken..];
            if (_headerFilled < HeaderSize) return;
            _headerFilled = 0;
            _payloadLeft = Admit(_header[0], BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(1)));
        }
    }

    private long Admit(byte flag, uint declared)
    {
        if (flag > 1)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"A message's frame header has flag {flag}; only 0 (plain) and 1 (compressed) are defined."));
        }
        if (declared > maxMessageSize)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"A message declares {declared} bytes, over this node's {maxMessageSize}-byte limit (MaxMessageSize)."));
        }
        return declared;
    }
}
