using Microsoft.Extensions.Logging;
using Worcr.Core.Errors;
using Worcr.Redis;

namespace Worcr.Server.Events;

/// <summary>
/// A node's part in live job events: it publishes what happens here on the installation's Redis channel
/// (<c>{RedisKeyPrefix}events</c>) and, through one subscription, hands what every node published to this
/// node's watchers. The node holds that subscription only while it has a watcher: without one, every batch every
/// node publishes would still cross the network to it and be decoded for nobody (a tenth of what a node allocates
/// per job in <c>bench throughput</c>).
/// </summary>
internal sealed class LiveEvents
{
    private readonly RedisSubscriber _subscriber;
    private readonly string _channel;
    private readonly ILogger _logger;

    // Subscribing and unsubscribing take turns, and a watcher joins the hub only inside a turn, so the last watcher
    // leaving cannot unsubscribe under a watcher that was just told it is subscribed.
    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _subscribed;
    private bool _stopped;
    private TaskCompletionSource _unsubscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LiveEvents(RedisConnection redis, string keyPrefix, ILogger logger, TimeProvider time)
    {
        _channel = keyPrefix + "events";
        Publisher = EventPublisher.ForRedis(redis, _channel, logger, time);
        Hub = new EventHub();
        _subscriber = new RedisSubscriber(redis);
        _subscriber.Connected += OnReconnected;
        Hub.LastWatcherLeft += () => _ = UnsubscribeWhenIdleAsync();
        _logger = logger;
    }

    public EventPublisher Publisher { get; }

    public EventHub Hub { get; }

    /// <summary>Completes the next time the node ends its subscription (take it before the last watcher leaves).</summary>
    public Task Unsubscribed => Volatile.Read(ref _unsubscribed).Task;

    /// <summary>
    /// A new watcher of what every node publishes. The node is subscribed when this returns (Redis confirmed it for
    /// the first watcher; a reconnect since then marks every watcher lost), so a caller that reads PostgreSQL
    /// afterwards misses nothing in between: an event published before the watcher joined belongs to a change
    /// committed before that read. Without Redis, the first watcher's call fails (UNAVAILABLE for gRPC callers).
    /// </summary>
    public async Task<EventWatcher> WatchAsync(WatchFilter filter, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_stopped) throw Stopping();
            if (!_subscribed)
            {
                try
                {
                    await _subscriber.SubscribeAsync(_channel, (_, payload) => Receive(payload));
                }
                catch (ObjectDisposedException)
                {
                    // The node closed its Redis connection: it is stopping, whether or not this loop has ended yet.
                    throw Stopping();
                }
                _subscribed = true;
            }
            return Hub.Subscribe(filter);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Publishes until the node stops (with a last flush), then ends the subscription.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Publisher.RunAsync(stoppingToken);
        }
        finally
        {
            // In a turn, so no subscription can start under the disposal nor after it.
            await _turn.WaitAsync(CancellationToken.None);
            try
            {
                _stopped = true;
                _subscribed = false;
                await _subscriber.DisposeAsync();
            }
            finally
            {
                _turn.Release();
            }
        }
    }

    private static WorcrError Stopping() => WorcrError.Unavailable("This node is stopping; watch through another node.");

    private async Task UnsubscribeWhenIdleAsync()
    {
        await _turn.WaitAsync();
        try
        {
            if (!_subscribed || Hub.WatcherCount > 0) return;
            _subscribed = false;
            await _subscriber.UnsubscribeAsync(_channel);
            Interlocked.Exchange(ref _unsubscribed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
        {
            // The connection is gone or the node is stopping: the subscription went with it.
        }
        finally
        {
            _turn.Release();
        }
    }

    private void Receive(string payload)
    {
        IReadOnlyList<TenantEvent> events;
        try
        {
            events = EventCodec.Decode(payload);
        }
        catch (Exception exception) when (exception is FormatException or Google.Protobuf.InvalidProtocolBufferException)
        {
            EventLog.BatchUnreadable(_logger, exception);
            return;
        }
        Hub.Deliver(events);
    }

    private void OnReconnected()
    {
        EventLog.SubscriptionReconnected(_logger);
        Hub.MarkAllLost();
    }
}
