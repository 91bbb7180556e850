using System.Collections.Concurrent;

namespace Worcr.Redis.Tests;

/// <summary>
/// Signals when Redis expires a key (keyspace notifications), so tests about expiry await the server's own
/// event instead of sleeping. Turns the notifications on, so use it with a private server.
/// </summary>
internal sealed class ExpiredKeyWatcher : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new();
    private RedisSubscriber? _subscriber;

    public static async Task<ExpiredKeyWatcher> StartAsync(RedisConnection connection, RedisOptions options)
    {
        await using (var admin = await Servers.AdminAsync(options))
        {
            await admin.GetServers().Single().ConfigSetAsync("notify-keyspace-events", "Ex");
        }
        var watcher = new ExpiredKeyWatcher { _subscriber = new RedisSubscriber(connection) };
        await watcher._subscriber.SubscribeAsync("__keyevent@0__:expired", (_, key) => watcher.Waiter(key).TrySetResult());
        return watcher;
    }

    /// <summary>Completes when <paramref name="key"/> expires; call before the key can expire.</summary>
    public Task ExpiredAsync(string key) => Waiter(key).Task.WaitAsync(TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        if (_subscriber is not null) await _subscriber.DisposeAsync();
    }

    private TaskCompletionSource Waiter(string key) =>
        _waiters.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
