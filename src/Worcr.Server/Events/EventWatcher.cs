using System.Threading.Channels;
using Worcr.Protocol.V1;

namespace Worcr.Server.Events;

/// <summary>
/// One Watch call's inbox in the hub. Bounded: when the caller reads too slowly, further events are dropped and
/// the watcher is marked as having lost some, so it re-reads its jobs' states instead of slowing the hub down.
/// </summary>
internal sealed class EventWatcher : IDisposable
{
    public const int Capacity = 10_000;
    private readonly Channel<JobEvent?> _inbox = Channel.CreateBounded<JobEvent?>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Action<EventWatcher> _onDispose;
    private int _lost;

    public EventWatcher(WatchFilter filter, Action<EventWatcher> onDispose)
    {
        Filter = filter;
        _onDispose = onDispose;
    }

    public WatchFilter Filter { get; }

    /// <summary>Hands an event over without waiting; a full inbox marks the watcher as having lost events.</summary>
    public void Offer(in TenantEvent item)
    {
        if (!Filter.Matches(item)) return;
        if (!_inbox.Writer.TryWrite(item.Event)) Interlocked.Exchange(ref _lost, 1);
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

    /// <summary>The next event; null when nothing arrived within <paramref name="patience"/> or a re-read was asked for.</summary>
    public async ValueTask<JobEvent?> ReadAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        if (_inbox.Reader.TryRead(out var ready)) return ready;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        try
        {
            await _inbox.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        return _inbox.Reader.TryRead(out var next) ? next : null;
    }

    public void Dispose() => _onDispose(this);
}
