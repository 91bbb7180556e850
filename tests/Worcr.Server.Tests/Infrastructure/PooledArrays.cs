using System.Buffers;
using System.Diagnostics.Tracing;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Follows every <see cref="ArrayPool{T}"/> in the process while it listens, through the pools' event source: how
/// many bytes of arrays the pools came to hold for reuse over that time (arrays returned and kept, less arrays rented
/// out of them, dropped or trimmed), and how many large arrays they allocated. Those held arrays stay in the managed
/// heap after a test though nothing but a pool refers to them: what a heap-growth figure must leave out.
/// </summary>
/// <remarks>
/// The events carry an array's length and its pool's identity hash, not its element type: the shared byte and char
/// pools are recognised (nearly all pooled arrays are theirs), any other pool's arrays count one byte an element, so
/// the figure can err low, never high (a growth check using it errs strict). Events reach an in-process listener on
/// the thread that rents or returns, before that call returns: read after the calls that matter have ended, the
/// figures are complete.
/// </remarks>
internal sealed class PooledArrays : EventListener
{
    // ArrayPoolEventSource's events: BufferRented(id, size, poolId, bucketId), BufferAllocated(id, size, poolId,
    // bucketId, reason), BufferReturned(id, size, poolId), BufferTrimmed(id, size, poolId), BufferDropped(id, size, ...).
    // A rent that allocates logs BufferRented then BufferAllocated; a return the pool cannot keep logs BufferReturned
    // then BufferDropped (naming the returned array where the one dropped may be an older one of the same size).
    private const int Rented = 1, Allocated = 2, Returned = 3, Trimmed = 4, Dropped = 6;
    private static readonly int SharedCharPool = ArrayPool<char>.Shared.GetHashCode();
    private long _held;
    private long _largeBytes;
    private int _largeCount;

    /// <summary>Arrays of at least this many bytes count as large.</summary>
    public const int LargeBytes = 1024 * 1024;

    /// <summary>Bytes of arrays the pools came to hold while listening (negative when they gave out more than they took back).</summary>
    public long HeldBytes => Interlocked.Read(ref _held);

    /// <summary>Bytes of the large arrays the pools allocated while listening.</summary>
    public long LargeAllocatedBytes => Interlocked.Read(ref _largeBytes);

    /// <summary>How many large arrays the pools allocated while listening.</summary>
    public int LargeAllocatedCount => Volatile.Read(ref _largeCount);

    /// <summary>
    /// The process's managed memory after a full collection, less <see cref="HeldBytes"/>: what a test's growth figure
    /// compares, since a pool keeps arrays per thread and large messages received on more threads leave more of them.
    /// </summary>
    public long HeapLessHeld() => GC.GetTotalMemory(forceFullCollection: true) - HeldBytes;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "System.Buffers.ArrayPoolEventSource") EnableEvents(eventSource, EventLevel.Verbose);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.Payload is not { Count: >= 3 } payload || payload[1] is not int length || payload[2] is not int pool) return;
        var bytes = pool == SharedCharPool ? 2L * length : length;
        switch (eventData.EventId)
        {
            case Returned: Interlocked.Add(ref _held, bytes); break;
            case Rented or Trimmed or Dropped: Interlocked.Add(ref _held, -bytes); break;
            case Allocated:
                // Its BufferRented came first and took away what the pool never held.
                Interlocked.Add(ref _held, bytes);
                if (bytes < LargeBytes) break;
                Interlocked.Add(ref _largeBytes, bytes);
                Interlocked.Increment(ref _largeCount);
                break;
        }
    }
}
