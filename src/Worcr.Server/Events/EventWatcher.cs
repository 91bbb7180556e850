using System.Threading.Channels;
using Google.Protobuf;
using Worcr.Protocol.V1;

namespace Worcr.Server.Events;

/// <summary>
/// One Watch call's inbox in the hub. Bounded in count and in bytes: a caller that reads too slowly to stay under
/// both is cut off (its Watch ends with RESOURCE_EXHAUSTED) and what waited for it is dropped at once, so a slow
/// reader never slows the hub down nor grows the node's memory.
/// </summary>
internal sealed class EventWatcher : IDisposable
{
    /// <summary>Events waiting for one watcher, at most.</summary>
    public const int Capacity = 10_000;

    /// <summary>Bytes of events (their protobuf size) waiting for one watcher, at most.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private readonly Channel<JobEvent?> _inbox = Channel.CreateBounded<JobEvent?>(new BoundedChannelOptions(Capacity)
    {
        // The hub's thread empties the inbox of a watcher it cuts off while the watch may be reading it.
        SingleReader = false,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Action<EventWatcher> _onDispose;
    private readonly Action<EventWatcher>? _onCutOff;
    private long _bytes;
    private int _lost;
    private int _cutOff;

    public EventWatcher(WatchFilter filter, Action<EventWatcher> onDispose, Action<EventWatcher>? onCutOff = null)
    {
        Filter = filter;
        _onDispose = onDispose;
        _onCutOff = onCutOff;
    }

    public WatchFilter Filter { get; }

    /// <summary>True once the watcher fell further behind than its bounds allow; its Watch ends.</summary>
    public bool IsCutOff => Volatile.Read(ref _cutOff) == 1;

    /// <summary>Bytes of events waiting to be read right now.</summary>
    public long PendingBytes => Interlocked.Read(ref _bytes);

    /// <summary>Hands an event over without waiting; past the inbox's bounds the watcher is cut off.</summary>
    public void Offer(in TenantEvent item)
    {
        if (IsCutOff || !Filter.Matches(item)) return;
        var size = item.Event.CalculateSize();
        if (Interlocked.Add(ref _bytes, size) > MaxBytes || !_inbox.Writer.TryWrite(item.Event)) CutOff();
    }

    /// <summary>Events may have been missed (Redis reconnected): re-read states soon.</summary>
    public void MarkLost()
    {
        Interlocked.Exchange(ref _lost, 1);
        // Wakes a reader waiting on an empty inbox; a full inbox is being read anyway.
        _inbox.Writer.TryWrite(null);
    }

    /// <summary>True once after events were lost.</summary>
    public bool TakeLost() => Interlocked.Exchange(ref _lost, 0) == 1;

    /// <summary>The next event; null when nothing arrived within <paramref name="patience"/>, a re-read was asked for, or the watcher was cut off.</summary>
    public async ValueTask<JobEvent?> ReadAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        if (TryTake(out var ready)) return ready;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        try
        {
            if (!await _inbox.Reader.WaitToReadAsync(timeout.Token)) return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        return TryTake(out var next) ? next : null;
    }

    public void Dispose() => _onDispose(this);

    private bool TryTake(out JobEvent? item)
    {
        if (!_inbox.Reader.TryRead(out item)) return false;
        if (item is not null) Interlocked.Add(ref _bytes, -item.CalculateSize());
        return true;
    }

    private void CutOff()
    {
        if (Interlocked.Exchange(ref _cutOff, 1) == 1) return;
        _inbox.Writer.TryComplete();
        while (_inbox.Reader.TryRead(out _))
        {
        }
        Interlocked.Exchange(ref _bytes, 0);
        _onCutOff?.Invoke(this);
    }
}
