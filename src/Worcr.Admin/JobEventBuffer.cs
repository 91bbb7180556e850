using System.Threading.Channels;
using Worcr.Protocol.V1;

namespace Worcr.Admin;

/// <summary>
/// The events waiting for one slow browser. Bounded: a newer value of a progress counter replaces the queued older
/// one, and when the buffer is full the oldest progress event (then the oldest log line, counted) is dropped.
/// State changes and checkpoints are never dropped; they are few. Offering never waits, so a slow client cannot
/// hold up the node's event hub.
/// </summary>
internal sealed class JobEventBuffer
{
    public const int Capacity = 2_000;
    private readonly Lock _lock = new();
    private readonly LinkedList<JobEvent> _queue = new();
    private readonly Dictionary<string, LinkedListNode<JobEvent>> _progressByName = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Log lines dropped because the client read too slowly.</summary>
    public long DroppedLogs { get; private set; }

    public void Offer(JobEvent jobEvent)
    {
        lock (_lock)
        {
            if (jobEvent.Progress is { } progress && _progressByName.Remove(progress.Name, out var older)) _queue.Remove(older);
            if (_queue.Count >= Capacity) DropOldest();
            var node = _queue.AddLast(jobEvent);
            if (jobEvent.Progress is { } added) _progressByName[added.Name] = node;
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
            return taken;
        }
    }

    private void DropOldest()
    {
        var victim = Oldest(e => e.Progress is not null) ?? Oldest(e => e.Log is not null);
        if (victim is null) return; // only states and checkpoints: keep them all, the queue grows past capacity
        if (victim.Value.Progress is { } progress) _progressByName.Remove(progress.Name);
        else DroppedLogs++;
        _queue.Remove(victim);
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
