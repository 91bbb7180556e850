using System.Collections.Concurrent;

namespace Worcr.Core.Caching;

/// <summary>
/// A thread-safe map that never holds more than <see cref="Capacity"/> entries: an insert that would pass it first
/// evicts the least recently used tenth (approximately: each entry remembers the tick of its last use, and the
/// oldest are found by sorting a snapshot). Eviction costs O(n log n) once per n/10 inserts, so it stays cheap,
/// and a flood of distinct keys (made-up API keys, endless weights or tags) costs memory up to the cap, no more.
/// Entries may also expire by age (<see cref="TryGet(TKey, TimeSpan, out TValue)"/>) for caches that must re-read.
/// </summary>
public sealed class BoundedCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries;
    private readonly TimeProvider _time;
    private readonly Lock _evicting = new();
    private long _uses;

    /// <param name="capacity">Most entries held; at least 1.</param>
    /// <param name="time">The clock entry ages are measured by (the node's, so tests can move it).</param>
    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _entries = new ConcurrentDictionary<TKey, Entry>(comparer);
        _time = time ?? TimeProvider.System;
    }

    public int Capacity { get; }

    public int Count => _entries.Count;

    /// <summary>How many entries were evicted to keep the cap, since the start (for tests and metrics).</summary>
    public long Evictions { get; private set; }

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.LastUse = Interlocked.Increment(ref _uses);
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>
    /// As <see cref="TryGet(TKey, out TValue)"/>, treating an entry added <paramref name="maxAge"/> or more ago as absent.
    /// The age is judged by both clocks (<see cref="AgeStamp"/>): a wall clock stepped back does not keep an entry.
    /// </summary>
    public bool TryGet(TKey key, TimeSpan maxAge, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Added.IsYoungerThan(maxAge, _time))
        {
            entry.LastUse = Interlocked.Increment(ref _uses);
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        var entry = new Entry(value, AgeStamp.Now(_time)) { LastUse = Interlocked.Increment(ref _uses) };
        if (_entries.TryGetValue(key, out _) || _entries.Count < Capacity)
        {
            _entries[key] = entry;
            return;
        }
        EvictOldest();
        _entries[key] = entry;
    }

    /// <summary>The cached value, or the one <paramref name="create"/> makes (kept, within the cap).</summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        if (TryGet(key, out var value)) return value;
        value = create(key);
        Set(key, value);
        return value;
    }

    public bool Remove(TKey key) => _entries.TryRemove(key, out _);

    public void Clear() => _entries.Clear();

    private void EvictOldest()
    {
        lock (_evicting)
        {
            if (_entries.Count < Capacity) return;
            var excess = _entries.Count - Capacity + 1;
            var victims = Math.Max(excess, Capacity / 10);
            foreach (var (key, _) in _entries.ToArray().OrderBy(e => e.Value.LastUse).Take(victims))
            {
                if (_entries.TryRemove(key, out _)) Evictions++;
            }
        }
    }

    private sealed class Entry(TValue value, AgeStamp added)
    {
        public TValue Value { get; } = value;

        public AgeStamp Added { get; } = added;

        public long LastUse { get; set; }
    }
}
