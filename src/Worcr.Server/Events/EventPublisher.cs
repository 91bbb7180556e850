using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Worcr.Redis;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Events;

/// <summary>
/// Publishes this node's job events to every node, best effort and batched: the first event goes out at once,
/// later ones at most every <see cref="FlushInterval"/> in PUBLISH calls of up to <see cref="MaxBatch"/> events,
/// so a chatty worker costs Redis a few commands per flush. PostgreSQL stays the truth: a lost batch is made good
/// by watchers re-reading states.
/// </summary>
internal sealed class EventPublisher : Lifecycle.IJobEvents
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);
    public const int MaxBatch = 500;

    // Beyond this many waiting events, progress, checkpoint and log events are dropped; state changes never are.
    private const int MaxPending = 100_000;

    private readonly Lock _lock = new();
    private readonly Func<string, Task> _publish;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly PendingEvents _pending = new();
    private long _published;
    private long _publishedProgress;
    private long _dropped;
    private Task? _late;

    /// <param name="publish">Sends one encoded batch (PUBLISH on the installation's events channel).</param>
    public EventPublisher(Func<string, Task> publish, ILogger logger, TimeProvider time)
    {
        _publish = publish;
        _logger = logger;
        _time = time;
    }

    public static EventPublisher ForRedis(RedisConnection redis, string channel, ILogger logger, TimeProvider time) =>
        new(payload => redis.PublishAsync(channel, payload), logger, time);

    /// <summary>Events handed to Redis so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Progress events handed to Redis so far (after coalescing).</summary>
    public long PublishedProgress => Interlocked.Read(ref _publishedProgress);

    public void Publish(string tenant, Protocol.V1.JobEvent jobEvent)
    {
        lock (_lock)
        {
            if (_pending.Count >= MaxPending && jobEvent.StateChanged is null)
            {
                _dropped++;
                return;
            }
            _pending.Add(new TenantEvent(tenant, jobEvent));
        }
        _signal.Writer.TryWrite(true);
    }

    /// <summary>A state change the job lifecycle made (the only caller: transitions are announced in one place).</summary>
    public void StateChanged(Core.Jobs.JobStateRecord change) => Publish(change.Tenant, JobEvents.StateChanged(change));

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _signal.Reader.WaitToReadAsync(stoppingToken))
            {
                _signal.Reader.TryRead(out _);
                var full = await FlushAsync();
                if (!full) await Task.Delay(FlushInterval, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushAsync();
            // The rest of the node stops meanwhile, and its last steps announce changes too (the enqueue batcher's and
            // completion writer's final flushes, requests still being answered): they go out as they come, until
            // CloseAsync.
            Volatile.Write(ref _late, PublishLateAsync());
        }
    }

    /// <summary>
    /// Publishes what was announced since the loop stopped, then publishes nothing more. The node calls it once its
    /// loops and server have stopped, before it closes its Redis connection.
    /// </summary>
    public async Task CloseAsync()
    {
        _signal.Writer.TryComplete();
        if (Volatile.Read(ref _late) is { } late) await late;
        await FlushAsync();
    }

    private async Task PublishLateAsync()
    {
        while (await _signal.Reader.WaitToReadAsync())
        {
            _signal.Reader.TryRead(out _);
            await FlushAsync();
        }
    }

    /// <summary>Publishes what is pending; true when a full batch was waiting (so the next flush should not wait).</summary>
    private async Task<bool> FlushAsync()
    {
        List<TenantEvent> events;
        long dropped;
        lock (_lock)
        {
            events = _pending.TakeAll();
            dropped = _dropped;
            _dropped = 0;
        }
        if (dropped > 0) EventLog.EventsDropped(_logger, dropped, MaxPending);
        for (var start = 0; start < events.Count; start += MaxBatch) await PublishChunkAsync(events, start, Math.Min(MaxBatch, events.Count - start));
        return events.Count >= MaxBatch;
    }

    /// <summary>Publishes <paramref name="count"/> of the taken events from <paramref name="start"/> as one batch.</summary>
    private async Task PublishChunkAsync(List<TenantEvent> events, int start, int count)
    {
        try
        {
            await _publish(EventCodec.Encode(CollectionsMarshal.AsSpan(events).Slice(start, count)));
            Interlocked.Add(ref _published, count);
            Interlocked.Add(ref _publishedProgress, Progresses(CollectionsMarshal.AsSpan(events).Slice(start, count)));
        }
        catch (Exception exception)
        {
            EventLog.PublishFailed(_logger, count, exception);
        }
    }

    private static int Progresses(ReadOnlySpan<TenantEvent> events)
    {
        var count = 0;
        foreach (var item in events)
        {
            if (item.Event.Progress is not null) count++;
        }
        return count;
    }
}
