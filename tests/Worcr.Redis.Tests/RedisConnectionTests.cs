namespace Worcr.Redis.Tests;

public sealed class RedisConnectionTests
{
    [Fact]
    public async Task Sixty_four_concurrent_callers_on_one_connection_each_get_their_own_answers()
    {
        var options = await Servers.SharedAsync(TimeSpan.FromSeconds(30));
        await using var connection = await RedisConnection.ConnectAsync(options);

        var callers = Enumerable.Range(0, 64).Select(async caller =>
        {
            var key = $"{options.KeyPrefix}counter:{caller}";
            var wrong = 0;
            for (var expected = 1; expected <= 500; expected++)
            {
                if ((await connection.ExecuteAsync("INCR", key)).AsInt64() != expected) wrong++;
            }
            return wrong;
        });

        Assert.All(await Task.WhenAll(callers), wrong => Assert.Equal(0, wrong));
    }

    [Fact]
    public async Task Error_reply_throws_and_the_connection_keeps_working()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        await connection.ExecuteAsync("SET", options.KeyPrefix + "text", "x");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => connection.ExecuteAsync("INCR", options.KeyPrefix + "text"));

        Assert.Equal("ERR", error.Prefix);
        Assert.Equal("PONG", (await connection.ExecuteAsync("PING")).AsString());
    }

    [Fact]
    public async Task Connection_speaks_RESP3_so_hashes_come_back_as_maps()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        await connection.ExecuteAsync("HSET", options.KeyPrefix + "h", "f", "v");

        var reply = await connection.ExecuteAsync("HGETALL", options.KeyPrefix + "h");

        Assert.Equal("%{$f=$v}", RespText.Describe(Assert.IsType<RedisMap>(reply)));
    }

    [Fact]
    public async Task Binary_value_larger_than_64_KiB_with_CRLF_inside_round_trips()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        var value = new byte[300_000];
        new Random(7).NextBytes(value);
        value[1000] = (byte)'\r';
        value[1001] = (byte)'\n';

        await connection.ExecuteAsync("SET", options.KeyPrefix + "big", value);
        var reply = await connection.ExecuteAsync("GET", options.KeyPrefix + "big");

        Assert.Equal(value, Assert.IsType<RedisBulkString>(reply).Value);
    }

    [Fact]
    public async Task Script_runs_again_after_SCRIPT_FLUSH_by_falling_back_from_EVALSHA_to_EVAL()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        var script = new RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
        var key = options.KeyPrefix + "scripted";
        await connection.EvalAsync(script, [key], [2]);

        await connection.ExecuteAsync("SCRIPT", "FLUSH");
        var afterFlush = await connection.EvalAsync(script, [key], [3]);

        Assert.Equal(5, afterFlush.AsInt64());
        Assert.Equal(1, (await connection.ExecuteAsync("SCRIPT", "EXISTS", script.Sha1)).AsArray()[0].AsInt64());
    }

    [Fact]
    public async Task Script_sha1_is_the_one_Redis_computes()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        var script = new RedisScript("return 1");

        Assert.Equal(script.Sha1, (await connection.ExecuteAsync("SCRIPT", "LOAD", script.Source)).AsString());
    }

    [Fact]
    public async Task Command_without_a_reply_in_time_times_out_and_later_replies_stay_matched()
    {
        var options = await Servers.SharedAsync(TimeSpan.FromMilliseconds(300));
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var other = await RedisConnection.ConnectAsync(options);
        var list = options.KeyPrefix + "never-filled";

        await Assert.ThrowsAsync<TimeoutException>(() => connection.ExecuteAsync("BLPOP", list, 0));
        // The abandoned BLPOP still owns the next reply; unblock it and check PING gets PONG, not that reply.
        await other.ExecuteAsync("RPUSH", list, "late");

        Assert.Equal("PONG", (await connection.ExecuteAsync("PING")).AsString());
    }

    [Fact]
    public async Task Cancelled_command_throws_operation_cancelled()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        using var cancellation = new CancellationTokenSource();
        var blocked = connection.ExecuteAsync("BLPOP", [options.KeyPrefix + "empty", 1], cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
    }

    [Fact]
    public async Task Caller_blocking_on_another_command_inside_a_continuation_does_not_stall_the_reader()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);

        // If replies completed callers inline on the reader's thread, this synchronous wait would deadlock it.
        var nested = connection.ExecuteAsync("PING").ContinueWith(
            _ => connection.ExecuteAsync("ECHO", "inner").GetAwaiter().GetResult().AsString(),
            TaskContinuationOptions.ExecuteSynchronously);

        Assert.Equal("inner", await nested.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Connecting_to_a_port_without_redis_fails_with_a_connection_exception()
    {
        var options = new RedisOptions { Url = $"redis://127.0.0.1:{FreePort()}", ConnectTimeout = TimeSpan.FromSeconds(2) };

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options));

        Assert.Contains("127.0.0.1", error.Message);
    }

    [Fact]
    public async Task Disposed_connection_rejects_new_commands()
    {
        var connection = await RedisConnection.ConnectAsync(await Servers.SharedAsync());
        await connection.DisposeAsync();

        Assert.False(connection.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.ExecuteAsync("PING"));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
