using Microsoft.Extensions.Logging;
using Worcr.Redis;

namespace Worcr.Server.Events;

/// <summary>
/// A node's part in live job events: it publishes what happens here on the installation's Redis channel
/// (<c>{RedisKeyPrefix}events</c>) and, through one subscription, hands what every node published to this
/// node's watchers.
/// </summary>
internal sealed class LiveEvents
{
    private readonly RedisSubscriber _subscriber;
    private readonly string _channel;
    private readonly ILogger _logger;

    public LiveEvents(RedisConnection redis, string keyPrefix, ILogger logger, TimeProvider time)
    {
        _channel = keyPrefix + "events";
        Publisher = EventPublisher.ForRedis(redis, _channel, logger, time);
        Hub = new EventHub();
        _subscriber = new RedisSubscriber(redis);
        _subscriber.Connected += OnReconnected;
        _logger = logger;
    }

    public EventPublisher Publisher { get; }

    public EventHub Hub { get; }

    /// <summary>Subscribes to what every node publishes, before the node serves watchers.</summary>
    public Task StartAsync() => _subscriber.SubscribeAsync(_channel, (_, payload) => Receive(payload));

    /// <summary>Publishes until the node stops (with a last flush), then ends the subscription.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Publisher.RunAsync(stoppingToken);
        }
        finally
        {
            await _subscriber.DisposeAsync();
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
