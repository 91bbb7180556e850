using System.Threading.Channels;
using Worcr.Protocol.V1;

namespace Worcr.Admin;

/// <summary>
/// The events waiting for one slow browser. Bounded: a newer value of a progress counter or of a checkpoint replaces
/// the queued older one of that name (at the end), and when the buffer is full the oldest progress event is dropped,
/// then the oldest log line (counted), then the oldest state change older than the newest one. So besides at most
/// <see cref="Capacity"/> events, only the newest state change and one value per checkpoint name (a job has at most
/// 32, each at most 64 KiB) can wait. The page shows only the newest of each (a state change makes it read the job
/// again). Neither kind is "few": a worker decides how many there are (a checkpoint saved in a loop, a job that yields
/// again and again), and the pump empties the hub's bounded inbox into this buffer as fast as events come, so the
/// hub's cut-off never reaches a slow browser: this buffer is its only bound. Offering never waits, so a slow client
/// cannot hold up the node's event hub.
/// </summary>
internal sealed class JobEventBuffer
{
    public const int Capacity = 2_000;
    private readonly Lock _lock = new();
    private readonly LinkedList<JobEvent> _queue = new();
    private readonly Dictionary<string, LinkedListNode<JobEvent>> _progressByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedListNode<JobEvent>> _checkpointByName = new(StringComparer.Ordinal);
    private LinkedListNode<JobEvent>? _newestState;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Log lines dropped because the client read too slowly.</summary>
    public long DroppedLogs { get; private set; }

    public void Offer(JobEvent jobEvent)
    {
        lock (_lock)
        {
            if (jobEvent.Progress is { } progress && _progressByName.Remove(progress.Name, out var older)) _queue.Remove(older);
            if (jobEvent.Checkpoint is { } checkpoint && _checkpointByName.Remove(checkpoint.Name, out var olderValue)) _queue.Remove(olderValue);
            if (_queue.Count >= Capacity) DropOldest();
            var node = _queue.AddLast(jobEvent);
            if (jobEvent.Progress is { } added) _progressByName[added.Name] = node;
            else if (jobEvent.Checkpoint is { } saved) _checkpointByName[saved.Name] = node;
            else if (jobEvent.StateChanged is not null) _newestState = node;
        }
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Everything queued, oldest first; empty when nothing arrived within <paramref name="patience"/>.</summary>
    public async Task<IReadOnlyList<JobEvent>> TakeAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        try
        {
            await _signal.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
        lock (_lock)
        {
            var taken = _queue.ToList();
            _queue.Clear();
            _progressByName.Clear();
            _checkpointByName.Clear();
            _newestState = null;
            return taken;
        }
    }

    private void DropOldest()
    {
        var victim = Oldest(e => e.Progress is not null) ?? Oldest(e => e.Log is not null) ?? OldestStateBeforeTheNewest();
        if (victim is null) return; // only the newest state and one value per checkpoint name: the queue passes capacity by those
        if (victim.Value.Progress is { } progress) _progressByName.Remove(progress.Name);
        else if (victim.Value.Log is not null) DroppedLogs++;
        _queue.Remove(victim);
    }

    /// <summary>The oldest queued state change, unless it is the newest one (which the page must still get).</summary>
    private LinkedListNode<JobEvent>? OldestStateBeforeTheNewest()
    {
        var oldest = Oldest(e => e.StateChanged is not null);
        return oldest == _newestState ? null : oldest;
    }

    private LinkedListNode<JobEvent>? Oldest(Func<JobEvent, bool> kind)
    {
        for (var node = _queue.First; node is not null; node = node.Next)
        {
            if (kind(node.Value)) return node;
        }
        return null;
    }
}
