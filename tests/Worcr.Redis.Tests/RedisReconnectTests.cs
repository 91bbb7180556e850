using StackExchange.Redis;
using Worcr.LocalServices;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

/// <summary>A restarted Redis (plain and TLS): the connection comes back by itself and the node resumes.</summary>
public sealed class RedisReconnectTests
{
    public static TheoryData<RedisKind> PrivateKinds => [RedisKind.Standalone, RedisKind.Tls];

    [Theory]
    [MemberData(nameof(PrivateKinds))]
    public async Task After_a_restart_the_connection_comes_back_and_commands_and_scripts_work(RedisKind kind)
    {
        await using var redis = await StartAsync(kind);
        var options = Servers.For(redis.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await connection.EvalAsync("return redis.call('SET', KEYS[1], ARGV[1])", [options.KeyPrefix + "k"], ["before"]);
        var restored = Restored(connection, ConnectionType.Interactive);

        await redis.RestartAsync();
        await restored.WaitAsync(TimeSpan.FromSeconds(30));

        // The restart emptied Redis and its script cache: the script is loaded again by itself.
        Assert.Equal("after", (string?)await connection.EvalAsync("redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", [options.KeyPrefix + "k"], ["after"]));
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task Command_sent_while_redis_is_down_waits_and_succeeds_once_it_is_back()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url, commandTimeout: TimeSpan.FromSeconds(30));
        await using var connection = await RedisConnection.ConnectAsync(options);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Multiplexer.ConnectionFailed += (_, e) => { if (e.ConnectionType == ConnectionType.Interactive) lost.TrySetResult(); };
        await redis.StopAsync();
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var waiting = connection.Database.StringSetAsync(options.KeyPrefix + "k", "v");
        Assert.False(waiting.IsCompleted);
        await redis.RestartAsync();

        Assert.True(await waiting);
        Assert.Equal("v", (string?)await connection.Database.StringGetAsync(options.KeyPrefix + "k"));
    }

    [Fact]
    public async Task Reconnect_keeps_the_database_of_the_url()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url + "/5");
        await using var connection = await RedisConnection.ConnectAsync(options);
        var restored = Restored(connection, ConnectionType.Interactive);

        await redis.RestartAsync();
        await restored.WaitAsync(TimeSpan.FromSeconds(30));
        await connection.Database.StringSetAsync("after-restart", "x");
        await using var admin = await Servers.AdminAsync(Servers.For(redis.Url));

        Assert.Equal("x", (string?)await admin.GetDatabase(5).StringGetAsync("after-restart"));
    }

    internal static Task Restored(RedisConnection connection, ConnectionType type)
    {
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Multiplexer.ConnectionRestored += (_, e) => { if (e.ConnectionType == type) restored.TrySetResult(); };
        return restored.Task;
    }

    internal static Task<RedisProcess> StartAsync(RedisKind kind) => kind switch
    {
        RedisKind.Standalone => TestServices.StartPrivateRedisAsync(),
        RedisKind.Tls => TestServices.StartPrivateTlsRedisAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Restart tests run on a private standalone or TLS server."),
    };
}
