using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class RedisReconnectTests
{
    [Fact]
    public async Task Restart_fails_commands_in_flight_and_later_commands_succeed_after_reconnect()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var observer = await RedisConnection.ConnectAsync(options);
        var list = options.KeyPrefix + "jobs";
        var inFlight = connection.ExecuteAsync("BLPOP", list, 0);
        await Servers.WaitForBlockedClientAsync(observer);

        await redis.RestartAsync();

        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        Assert.Equal("PONG", (await connection.ExecuteAsync("PING")).AsString());
        Assert.True(connection.IsConnected);
        // Had the BLPOP been replayed, it would block this connection and take the pushed element.
        await connection.ExecuteAsync("RPUSH", list, "job");
        Assert.Equal(1, (await connection.ExecuteAsync("LLEN", list)).AsInt64());
    }

    [Fact]
    public async Task Command_sent_while_redis_is_down_waits_and_succeeds_once_it_is_back()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var observer = await RedisConnection.ConnectAsync(options);
        var inFlight = connection.ExecuteAsync("BLPOP", options.KeyPrefix + "empty", 0);
        await Servers.WaitForBlockedClientAsync(observer);
        await redis.StopAsync();
        // The in-flight command failing shows the connection noticed the loss.
        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);

        var waiting = connection.ExecuteAsync("SET", options.KeyPrefix + "k", "v");
        Assert.False(waiting.IsCompleted);
        await redis.RestartAsync();

        Assert.Equal("OK", (await waiting).AsString());
    }

    [Fact]
    public async Task Reconnect_repeats_the_handshake_so_the_database_and_RESP3_are_kept()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis, "/5");
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var observer = await RedisConnection.ConnectAsync(options);
        var inFlight = connection.ExecuteAsync("BLPOP", options.KeyPrefix + "empty", 0);
        await Servers.WaitForBlockedClientAsync(observer);

        await redis.RestartAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        var info = (await connection.ExecuteAsync("CLIENT", "INFO")).AsString()!;

        Assert.Contains(" db=5 ", info);
        Assert.Contains(" resp=3", info);
    }

    [Fact]
    public async Task Password_in_the_url_is_sent_with_HELLO_and_a_wrong_one_fails_clearly()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        await using (var admin = await RedisConnection.ConnectAsync(Servers.For(redis)))
        {
            await admin.ExecuteAsync("CONFIG", "SET", "requirepass", "s3cret");
        }

        await using var authenticated = await RedisConnection.ConnectAsync(RedisOptions.Parse($"redis://:s3cret@127.0.0.1:{redis.Port}"));
        var wrong = await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisConnection.ConnectAsync(RedisOptions.Parse($"redis://:nope@127.0.0.1:{redis.Port}")));

        Assert.Equal("PONG", (await authenticated.ExecuteAsync("PING")).AsString());
        Assert.Contains("HELLO", wrong.Message);
    }
}
