using System.Collections.Immutable;

namespace Worcr.Server.Events;

/// <summary>
/// Hands the events every node published to this node's watchers. Delivery never waits: each watcher has its
/// own bounded inbox (see <see cref="EventWatcher"/>), so a slow watcher cannot hold up the others or Redis:
/// it is cut off instead.
/// </summary>
internal sealed class EventHub
{
    private ImmutableArray<EventWatcher> _watchers = [];
    private TaskCompletionSource _watcherAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _watcherCutOff = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int WatcherCount => _watchers.Length;

    /// <summary>Raised when the hub's last watcher left (it may have a new one by the time a handler runs).</summary>
    public event Action? LastWatcherLeft;

    /// <summary>Completes the next time a watcher subscribes (take it before starting the watch).</summary>
    public Task WatcherAdded => Volatile.Read(ref _watcherAdded).Task;

    /// <summary>Completes the next time a watcher is cut off for reading too slowly (take it before the flood).</summary>
    public Task WatcherCutOff => Volatile.Read(ref _watcherCutOff).Task;

    public EventWatcher Subscribe(WatchFilter filter)
    {
        var watcher = new EventWatcher(filter, Unsubscribe,
            _ => Interlocked.Exchange(ref _watcherCutOff, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult());
        ImmutableInterlocked.Update(ref _watchers, list => list.Add(watcher));
        Interlocked.Exchange(ref _watcherAdded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return watcher;
    }

    public void Deliver(IReadOnlyList<TenantEvent> events)
    {
        var watchers = _watchers;
        if (watchers.IsEmpty) return;
        foreach (var item in events)
        {
            foreach (var watcher in watchers) watcher.Offer(item);
        }
    }

    /// <summary>Events may have been lost on the way (Redis reconnected): every watcher re-reads its jobs.</summary>
    public void MarkAllLost()
    {
        foreach (var watcher in _watchers) watcher.MarkLost();
    }

    private void Unsubscribe(EventWatcher watcher)
    {
        var left = ImmutableInterlocked.Update(ref _watchers, list => list.Remove(watcher));
        if (left && _watchers.IsEmpty) LastWatcherLeft?.Invoke();
    }
}
