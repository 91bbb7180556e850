using System.Collections.Concurrent;
using Worcr.Redis.Internal;

namespace Worcr.Redis;

/// <summary>
/// A connection of its own for pub/sub (RESP3 pushes). It reconnects with backoff and subscribes every channel
/// again, then raises <see cref="Connected"/>. Messages published while it was disconnected are lost: a listener
/// that must not miss anything reconciles when <see cref="Connected"/> fires.
/// Handlers run on the reading loop: keep them short (hand work to a channel or a task).
/// </summary>
public sealed class RedisSubscriber : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ConcurrentDictionary<string, Action<string, string>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _confirmations = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private volatile RespSocket? _socket;
    private Task _loop = Task.CompletedTask;

    private RedisSubscriber(RedisOptions options) => _options = options;

    /// <summary>Raised after every reconnect, once all channels are subscribed again.</summary>
    public event Action? Connected;

    /// <summary>Raised when a message handler throws; the subscriber keeps running.</summary>
    public event Action<string, Exception>? HandlerFailed;

    public bool IsConnected => _socket is not null;

    public static async Task<RedisSubscriber> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var subscriber = new RedisSubscriber(options);
        var socket = await RespSocket.ConnectAsync(options.Endpoint, options.ConnectTimeout, cancellationToken);
        subscriber._socket = socket;
        subscriber._loop = subscriber.RunAsync(socket);
        return subscriber;
    }

    /// <summary>Adds a handler for a channel and returns once Redis confirmed the subscription.</summary>
    public async Task SubscribeAsync(string channel, Action<string, string> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        _handlers.AddOrUpdate(channel, handler, (_, existing) => existing + handler);
        var confirmation = _confirmations.GetOrAdd(channel, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        // While disconnected this sends nothing: the reconnect subscribes every registered channel.
        await SendAsync("SUBSCRIBE", channel);
        try
        {
            await confirmation.Task.WaitAsync(_options.CommandTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Redis did not confirm SUBSCRIBE {channel} within {_options.CommandTimeout}; the handler stays registered and is subscribed on reconnect.");
        }
    }

    /// <summary>Removes every handler of the channel.</summary>
    public async Task UnsubscribeAsync(string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        if (_handlers.TryRemove(channel, out _)) await SendAsync("UNSUBSCRIBE", channel);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested) return;
        await _disposing.CancelAsync();
        if (_socket is { } socket) await socket.DisposeAsync();
        await _loop;
    }

    private async Task RunAsync(RespSocket socket)
    {
        while (true)
        {
            try
            {
                await socket.ReadRepliesAsync(reply => OnReply(reply), _disposing.Token);
            }
            catch (Exception)
            {
                // Reading always ends with an exception: the connection is gone, or we are disposing.
            }
            _socket = null;
            await socket.DisposeAsync();
            if (_disposing.IsCancellationRequested) return;
            var next = await ReconnectAndResubscribeAsync();
            if (next is null) return;
            socket = next;
            Connected?.Invoke();
        }
    }

    private async Task<RespSocket?> ReconnectAndResubscribeAsync()
    {
        while (await Reconnector.ConnectWithBackoffAsync(_options, _disposing.Token) is { } socket)
        {
            await _writeLock.WaitAsync();
            try
            {
                await ResubscribeAsync(socket, _handlers.Keys.ToHashSet(StringComparer.Ordinal));
                _socket = socket;
                return socket;
            }
            catch (Exception) when (!_disposing.IsCancellationRequested)
            {
                await socket.DisposeAsync();
            }
            catch (Exception)
            {
                await socket.DisposeAsync();
                return null;
            }
            finally
            {
                _writeLock.Release();
            }
        }
        return null;
    }

    // Reads the confirmations here, before the socket is shared, so Connected means "subscribed again".
    private async Task ResubscribeAsync(RespSocket socket, HashSet<string> channels)
    {
        if (channels.Count == 0) return;
        socket.Write(RespCommandEncoder.Encode("SUBSCRIBE", channels.ToArray<object>()));
        await socket.FlushAsync(_disposing.Token);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token);
        deadline.CancelAfter(_options.CommandTimeout);
        while (channels.Count > 0)
        {
            var reply = await socket.ReadOneAsync(deadline.Token);
            if (OnReply(reply) is { } confirmed) channels.Remove(confirmed);
        }
    }

    private async Task SendAsync(string command, string channel)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_socket is not { } socket) return;
            socket.Write(RespCommandEncoder.Encode(command, [channel]));
            await socket.FlushAsync(_disposing.Token);
        }
        catch (Exception) when (!_disposing.IsCancellationRequested)
        {
            // The reading loop sees the broken connection too; the reconnect subscribes again.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Deliver(string channel, string message)
    {
        if (!_handlers.TryGetValue(channel, out var handler)) return;
        try
        {
            handler(channel, message);
        }
        catch (Exception e)
        {
            // A failing handler must not take the connection (and every other channel) down with it.
            HandlerFailed?.Invoke(channel, e);
        }
    }

    /// <summary>Delivers a message or records a confirmation; returns the channel a SUBSCRIBE confirmation names.</summary>
    private string? OnReply(RedisValue reply)
    {
        if (reply is not (RedisPush or RedisArray) || reply.AsArray() is not [var kind, var channel, var payload, ..]) return null;
        var name = channel.AsString() ?? "";
        switch (kind.AsString())
        {
            case "message":
                Deliver(name, payload.AsString() ?? "");
                return null;
            case "subscribe":
                if (_confirmations.TryRemove(name, out var confirmation)) confirmation.TrySetResult();
                return name;
            default:
                return null;
        }
    }
}
