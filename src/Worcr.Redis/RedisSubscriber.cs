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
    private static readonly TimeSpan ResubscribePollInterval = TimeSpan.FromMilliseconds(50);
    private readonly RedisConnection _connection;
    private readonly ConcurrentDictionary<string, ConcurrentBag<ChannelMessageQueue>> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _failedChannels = new(StringComparer.Ordinal);
    private int _disposed;

    // Counts losses of the subscription connection. The multiplexer also raises ConnectionRestored for the first
    // connection, and that one (forwarded late, on a worker thread) must not pass for a reconnect: a restoration is
    // announced when a loss came since the last announcement, or when a channel is not subscribed (the events reach
    // us on worker threads, so a short blip's loss may arrive after its restoration).
    private int _losses;
    private int _announcedLosses;

    public RedisSubscriber(RedisConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Raised once per loss of the pub/sub connection, after it came back and every channel was subscribed again.</summary>
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
        ChannelMessageQueue queue;
        try
        {
            queue = await Subscriber.SubscribeAsync(RedisChannel.Literal(channel));
        }
        catch when (!_queues.ContainsKey(channel))
        {
            // The multiplexer registers the queue before it sends SUBSCRIBE, and keeps it when that fails: nobody
            // would read it, yet it would subscribe again at the next reconnect and buffer every message for good.
            ForgetChannel(channel);
            _failedChannels.TryAdd(channel, 0);
            if (IsSubscriptionConnected) _ = UnsubscribeFailedChannelsAsync();
            throw;
        }
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
        _connection.ConnectionFailed -= OnConnectionFailed;
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

    // Without a handler, the multiplexer drops every queue of the channel at once, before any network call.
    private void ForgetChannel(string channel)
    {
        try
        {
            Subscriber.Unsubscribe(RedisChannel.Literal(channel), handler: null, CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The connection is gone: the channel's subscription went with it.
        }
    }

    /// <summary>The multiplexer's subscriber (cheap to get; the connection may open after this object was made).</summary>
    private ISubscriber Subscriber => _connection.Multiplexer.GetSubscriber();

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription) Interlocked.Increment(ref _losses);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Subscription) return;
        if (Volatile.Read(ref _losses) != Volatile.Read(ref _announcedLosses) || !AllSubscribed()) _ = AnnounceWhenSubscribedAsync();
    }

    // The multiplexer subscribes again on the new connection before it raises ConnectionRestored, so a PING on the
    // subscription connection travels behind those SUBSCRIBEs and SubscribedEndpoint (set by their replies) says when
    // every channel is back. It waits as long as that takes: announcing early would tell listeners to reconcile
    // before the messages that follow can reach them. Announcing twice is harmless (listeners reconcile again);
    // missing a restoration is not.
    private async Task AnnounceWhenSubscribedAsync()
    {
        var losses = Volatile.Read(ref _losses);
        try
        {
            await Subscriber.PingAsync();
            while (!AllSubscribed())
            {
                if (_disposed == 1) return;
                await Task.Delay(ResubscribePollInterval);
                await Subscriber.PingAsync();
            }
            await UnsubscribeFailedChannelsAsync();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Lost again: the next ConnectionRestored announces.
            return;
        }
        if (_disposed == 1) return;
        Volatile.Write(ref _announcedLosses, losses);
        Connected?.Invoke();
    }

    // Forgetting a channel whose SUBSCRIBE failed is not enough: while Redis was away the multiplexer may have queued
    // a re-subscription of it (fire and forget, in a backlog that outlives the caller's timeout) and sends it once the
    // connection is back, after which Redis publishes to a channel nobody here reads. The multiplexer only sends
    // UNSUBSCRIBE for a channel it knows to be subscribed, so each such channel is subscribed once more with a handler
    // of its own and unsubscribed: both travel behind anything queued before them on the subscription connection.
    private async Task UnsubscribeFailedChannelsAsync()
    {
        foreach (var channel in _failedChannels.Keys)
        {
            if (!_failedChannels.TryRemove(channel, out _) || _queues.ContainsKey(channel)) continue;
            var redisChannel = RedisChannel.Literal(channel);
            try
            {
                await Subscriber.SubscribeAsync(redisChannel, DiscardMessage);
                await Subscriber.UnsubscribeAsync(redisChannel, DiscardMessage);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Lost again: the next restoration tries again.
                _failedChannels.TryAdd(channel, 0);
            }
        }
    }

    private static void DiscardMessage(RedisChannel channel, StackExchange.Redis.RedisValue message)
    {
    }

    private bool IsSubscriptionConnected => Subscriber.IsConnected();

    private bool AllSubscribed() => _queues.Keys.All(channel => Subscriber.SubscribedEndpoint(RedisChannel.Literal(channel)) is not null);
}
