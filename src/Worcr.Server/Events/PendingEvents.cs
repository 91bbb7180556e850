namespace Worcr.Server.Events;

/// <summary>
/// Events waiting to be published, in the order they happened. Progress is coalesced: a newer update of the same
/// counter removes the older one and takes its place at the end, so what is published is a subsequence of what
/// happened (order kept) with at most one update per counter per flush. Not thread-safe: the publisher locks.
/// </summary>
internal sealed class PendingEvents
{
    // The buffers are emptied and kept for the next flush, unless a burst grew them past this many events.
    private const int KeptCapacity = 4 * EventPublisher.MaxBatch;

    private List<TenantEvent?> _items = new();
    private Dictionary<(string JobId, string Name), int> _progressAt = new();

    /// <summary>Events that would be published now.</summary>
    public int Count { get; private set; }

    /// <summary>Progress updates replaced by a newer one since this buffer was created.</summary>
    public long Coalesced { get; private set; }

    public void Add(TenantEvent item)
    {
        if (item.Event.Progress is { } progress)
        {
            var key = (item.Event.JobId, progress.Name);
            if (_progressAt.TryGetValue(key, out var older))
            {
                _items[older] = null;
                Count--;
                Coalesced++;
            }
            _progressAt[key] = _items.Count;
        }
        _items.Add(item);
        Count++;
    }

    /// <summary>Takes every pending event, oldest first, and empties the buffer.</summary>
    public List<TenantEvent> TakeAll()
    {
        var taken = new List<TenantEvent>(Count);
        foreach (var item in _items)
        {
            if (item is { } present) taken.Add(present);
        }
        if (_items.Capacity > KeptCapacity) _items = new();
        else _items.Clear();
        if (_progressAt.Count > KeptCapacity) _progressAt = new();
        else _progressAt.Clear();
        Count = 0;
        return taken;
    }
}
