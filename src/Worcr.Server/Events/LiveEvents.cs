using Microsoft.Extensions.Logging;
using Worcr.Core.Errors;
using Worcr.Redis;

namespace Worcr.Server.Events;

/// <summary>
/// A node's part in live job events: it publishes what happens here on the installation's Redis channel
/// (<c>{RedisKeyPrefix}events</c>) and, through one subscription, hands what every node published to this
/// node's watchers. The node holds that subscription only while it has a watcher: without one, every batch every
/// node publishes would still cross the network to it and be decoded for nobody (a tenth of what a node allocates
/// per job in <c>bench throughput</c>). Without Redis, a watcher of named jobs still joins: it reads PostgreSQL (and
/// re-reads its jobs' states when it hears nothing for a while) while the node tries to subscribe again in the
/// background; once it has, every watcher re-reads its jobs. A tenant-wide watcher, which has nothing to re-read,
/// is refused instead (UNAVAILABLE: watch through a node that has Redis, or again later).
/// </summary>
internal sealed class LiveEvents
{
    private readonly RedisConnection _redis;
    private readonly RedisSubscriber _subscriber;
    private readonly string _channel;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();

    // Subscribing and unsubscribing take turns, and a watcher joins the hub only inside a turn, so the last watcher
    // leaving cannot unsubscribe under a watcher that was just told it is subscribed.
    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _subscribed;
    private bool _stopped;
    private bool _resubscribing;
    private TaskCompletionSource _unsubscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LiveEvents(RedisConnection redis, string keyPrefix, ILogger logger, TimeProvider time)
    {
        _channel = keyPrefix + "events";
        Publisher = EventPublisher.ForRedis(redis, _channel, logger, time);
        Hub = new EventHub();
        _redis = redis;
        _subscriber = new RedisSubscriber(redis);
        _subscriber.Connected += OnReconnected;
        Hub.LastWatcherLeft += () => _ = UnsubscribeWhenIdleAsync();
        _logger = logger;
        _time = time;
    }

    /// <summary>How long a node without Redis waits between attempts to subscribe for its watchers.</summary>
    public static TimeSpan ResubscribeInterval { get; } = TimeSpan.FromSeconds(1);

    // A failure that lasts (an ACL that forbids SUBSCRIBE, say) is logged again once a minute, not at every attempt.
    private const int AttemptsPerFailureLog = 60;

    public EventPublisher Publisher { get; }

    public EventHub Hub { get; }

    /// <summary>Completes the next time the node ends its subscription (take it before the last watcher leaves).</summary>
    public Task Unsubscribed => Volatile.Read(ref _unsubscribed).Task;

    /// <summary>
    /// A new watcher of what every node publishes. When Redis answers, the node is subscribed when this returns
    /// (Redis confirmed it for the first watcher; a reconnect since then marks every watcher lost), so a caller that
    /// reads PostgreSQL afterwards misses nothing in between: an event published before the watcher joined belongs
    /// to a change committed before that read. When it does not, a watcher of named jobs joins all the same and is
    /// marked lost once the node has subscribed again (<see cref="ResubscribeInterval"/>); a tenant-wide watcher
    /// and any watcher of a stopping node are refused with UNAVAILABLE.
    /// </summary>
    public async Task<EventWatcher> WatchAsync(WatchFilter filter, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_stopped) throw Stopping();
            if (!_subscribed && (_resubscribing || !await TrySubscribeAsync(reportFailure: true)))
            {
                if (!filter.HasJobIds) throw WithoutRedis();
                if (!_resubscribing)
                {
                    _resubscribing = true;
                    _ = ResubscribeAsync();
                }
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
                await _stopping.CancelAsync();
                await _subscriber.DisposeAsync();
            }
            finally
            {
                _turn.Release();
            }
        }
    }

    /// <summary>Subscribes for this node's watchers (in a turn); false when Redis did not answer or refused.</summary>
    private async Task<bool> TrySubscribeAsync(bool reportFailure)
    {
        try
        {
            await _subscriber.SubscribeAsync(_channel, (_, payload) => Receive(payload));
            _subscribed = true;
            return true;
        }
        catch (ObjectDisposedException)
        {
            // The node closed its Redis connection: it is stopping, whether or not this loop has ended yet.
            throw Stopping();
        }
        catch (Exception exception)
        {
            // Whatever Redis or its client answered (a lost connection, a timeout, an ACL's NOPERM), watchers of named
            // jobs are served from PostgreSQL meanwhile and the node tries again.
            if (reportFailure) EventLog.SubscribeFailed(_logger, ResubscribeInterval.TotalSeconds, exception);
            return false;
        }
    }

    /// <summary>
    /// Tries again every <see cref="ResubscribeInterval"/> while the node has watchers and is not stopping; an
    /// attempt waits for a live connection rather than queue behind it, so new watchers are not held up meanwhile.
    /// The watchers joined without a subscription, so once there is one they all re-read their jobs.
    /// </summary>
    private async Task ResubscribeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.Delay(ResubscribeInterval, _time, _stopping.Token);
                if (!_redis.IsConnected) continue;
                await _turn.WaitAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            try
            {
                if (_stopped || Hub.WatcherCount == 0)
                {
                    _resubscribing = false;
                    return;
                }
                if (await TrySubscribeAsync(reportFailure: attempt % AttemptsPerFailureLog == 0))
                {
                    _resubscribing = false;
                    EventLog.SubscriptionReconnected(_logger);
                    Hub.MarkAllLost();
                    return;
                }
            }
            catch (WorcrError)
            {
                // The node is stopping: no more watchers to subscribe for.
                return;
            }
            finally
            {
                _turn.Release();
            }
        }
    }

    private static WorcrError Stopping() => WorcrError.Unavailable("This node is stopping; watch through another node.");

    private static WorcrError WithoutRedis() => WorcrError.Unavailable(
        "This node cannot receive live job events right now (Redis is unreachable), and a watch of a whole tenant has nothing else to go on: " +
        "watch through another node, or again later. A watch of named jobs still works here.");

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
        // Without a subscription nothing was lost on it: the watchers re-read once the node has subscribed again.
        if (!Volatile.Read(ref _subscribed)) return;
        EventLog.SubscriptionReconnected(_logger);
        Hub.MarkAllLost();
    }
}
