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
    private readonly ILogger _logger;

    private LiveEvents(EventPublisher publisher, EventHub hub, RedisSubscriber subscriber, ILogger logger)
    {
        Publisher = publisher;
        Hub = hub;
        _subscriber = subscriber;
        _logger = logger;
    }

    public EventPublisher Publisher { get; }

    public EventHub Hub { get; }

    public static async Task<LiveEvents> StartAsync(RedisConnection redis, string keyPrefix, ILogger logger, TimeProvider time)
    {
        var channel = keyPrefix + "events";
        var subscriber = new RedisSubscriber(redis);
        var events = new LiveEvents(EventPublisher.ForRedis(redis, channel, logger, time), new EventHub(), subscriber, logger);
        subscriber.Connected += events.OnReconnected;
        await subscriber.SubscribeAsync(channel, (_, payload) => events.Receive(payload));
        return events;
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
