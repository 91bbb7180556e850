namespace Worcr.Grpc.Tests.Unit;

/// <summary>Hands out at most a few bytes per read, as a network would, so every buffer boundary gets crossed.</summary>
internal sealed class TrickleStream(byte[] data, int bytesPerRead) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public int ReadCalls { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ReadCalls++;
        return _inner.Read(buffer, offset, Math.Min(count, bytesPerRead));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ReadCalls++;
        return ValueTask.FromResult(_inner.Read(buffer.Span[..Math.Min(buffer.Length, bytesPerRead)]));
    }

    public override void Flush() => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
