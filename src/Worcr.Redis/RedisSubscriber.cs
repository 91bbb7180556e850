using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Worcr.Redis;

/// <summary>
/// Channel subscriptions on the node's shared <see cref="RedisConnection"/>. The multiplexer keeps them across
/// reconnects and subscribes again by itself; <see cref="Connected"/> then fires. Messages published while it was
/// disconnected are lost: a listener that must not miss anything reconciles when <see cref="Connected"/> fires.
/// Each channel's messages reach its handler one at a time, in order; keep handlers short.
/// </summary>
public sealed class RedisSubscriber : IAsyncDisposable
{
    private const int MaxResubscribeRounds = 100;
    private readonly RedisConnection _connection;
    private readonly ConcurrentDictionary<string, ConcurrentBag<ChannelMessageQueue>> _queues = new(StringComparer.Ordinal);
    private int _disposed;

    public RedisSubscriber(RedisConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Raised after the pub/sub connection came back and its channels were subscribed again.</summary>
    public event Action? Connected;

    /// <summary>Raised when a message handler throws; the subscription keeps running.</summary>
    public event Action<string, Exception>? HandlerFailed;

    /// <summary>True when every channel subscribed here is subscribed on a live connection.</summary>
    public bool IsConnected => AllSubscribed();

    /// <summary>Adds a handler for a channel and returns once Redis confirmed the subscription.</summary>
    public async Task SubscribeAsync(string channel, Action<string, string> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        var queue = await Subscriber.SubscribeAsync(RedisChannel.Literal(channel));
        _queues.GetOrAdd(channel, _ => []).Add(queue);
        queue.OnMessage(message => Deliver(channel, message.Message, handler));
    }

    /// <summary>Removes every handler of the channel.</summary>
    public async Task UnsubscribeAsync(string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        if (_queues.TryRemove(channel, out var queues)) await Task.WhenAll(queues.Select(q => q.UnsubscribeAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _connection.ConnectionRestored -= OnConnectionRestored;
        try
        {
            await Task.WhenAll(_queues.Keys.ToArray().Select(UnsubscribeAsync));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The connection is gone or closing: its subscriptions went with it.
        }
    }

    private void Deliver(string channel, StackExchange.Redis.RedisValue message, Action<string, string> handler)
    {
        try
        {
            handler(channel, message.ToString());
        }
        catch (Exception e)
        {
            // A failing handler must not end the subscription (nor stop its later messages).
            HandlerFailed?.Invoke(channel, e);
        }
    }

    /// <summary>The multiplexer's subscriber (cheap to get; the connection may open after this object was made).</summary>
    private ISubscriber Subscriber => _connection.Multiplexer.GetSubscriber();

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription) _ = AnnounceWhenSubscribedAsync();
    }

    // The multiplexer subscribes again on the new connection around the time it raises ConnectionRestored, so the
    // event alone does not mean "subscribed". A PING on the subscription connection travels behind those SUBSCRIBEs;
    // SubscribedEndpoint says when every channel is back.
    private async Task AnnounceWhenSubscribedAsync()
    {
        try
        {
            var rounds = 0;
            do
            {
                await Subscriber.PingAsync();
            }
            while (!AllSubscribed() && ++rounds < MaxResubscribeRounds);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Lost again: the next ConnectionRestored announces.
            return;
        }
        if (_disposed == 0) Connected?.Invoke();
    }

    private bool AllSubscribed() => _queues.Keys.All(channel => Subscriber.SubscribedEndpoint(RedisChannel.Literal(channel)) is not null);
}
