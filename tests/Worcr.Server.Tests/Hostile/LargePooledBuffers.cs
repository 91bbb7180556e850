using System.Diagnostics.Tracing;

namespace Worcr.Server.Tests.Hostile;

/// <summary>
/// Counts the large arrays the shared <see cref="System.Buffers.ArrayPool{T}"/> allocates while it listens (its
/// event source's BufferAllocated events), process-wide. The pool keeps returned arrays for reuse, so these bytes stay
/// in the managed heap after a test even though nothing holds them but the pool: what a heap-growth figure must allow for.
/// </summary>
internal sealed class LargePooledBuffers : EventListener
{
    private const int BufferAllocatedEventId = 2;
    private long _bytes;
    private int _count;

    /// <summary>Arrays of at least this many bytes are counted.</summary>
    public const int LargeBytes = 1024 * 1024;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => Volatile.Read(ref _count);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "System.Buffers.ArrayPoolEventSource") EnableEvents(eventSource, EventLevel.Verbose);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // BufferAllocated(bufferId, bufferSize, poolId, bucketId, reason).
        if (eventData.EventId != BufferAllocatedEventId || eventData.Payload is not { Count: >= 2 } payload || payload[1] is not int size) return;
        if (size < LargeBytes) return;
        Interlocked.Add(ref _bytes, size);
        Interlocked.Increment(ref _count);
    }
}
