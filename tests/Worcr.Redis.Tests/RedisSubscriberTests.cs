using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class RedisSubscriberTests
{
    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Subscriber_receives_a_published_message(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = new RedisSubscriber(connection);
        var channel = options.KeyPrefix + "events";
        var received = new TaskCompletionSource<(string, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await subscriber.SubscribeAsync(channel, (ch, message) => received.TrySetResult((ch, message)));

        await connection.PublishAsync(channel, "héllo");

        Assert.Equal((channel, "héllo"), await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Unsubscribed_channel_receives_nothing_more(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = new RedisSubscriber(connection);
        var channel = options.KeyPrefix + "gone";
        await subscriber.SubscribeAsync(channel, (_, _) => { });

        await subscriber.UnsubscribeAsync(channel);

        Assert.Equal(0, await connection.PublishAsync(channel, "x"));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Failing_handler_is_reported_and_later_messages_still_arrive(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = new RedisSubscriber(connection);
        var channel = options.KeyPrefix + "flaky";
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.HandlerFailed += (_, e) => failure.TrySetResult(e);
        await subscriber.SubscribeAsync(channel, (_, message) =>
        {
            if (message == "bad") throw new InvalidOperationException("handler bug");
            second.TrySetResult(message);
        });

        await connection.PublishAsync(channel, "bad");
        await connection.PublishAsync(channel, "good");

        Assert.Equal("handler bug", (await failure.Task.WaitAsync(TimeSpan.FromSeconds(10))).Message);
        Assert.Equal("good", await second.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Messages_of_one_channel_reach_the_handler_one_at_a_time_in_order(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = new RedisSubscriber(connection);
        var channel = options.KeyPrefix + "ordered";
        var received = new List<string>();
        var inside = 0;
        var overlapped = false;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await subscriber.SubscribeAsync(channel, (_, message) =>
        {
            if (Interlocked.Increment(ref inside) > 1) overlapped = true;
            received.Add(message);
            if (received.Count == 200) all.TrySetResult();
            Interlocked.Decrement(ref inside);
        });

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => connection.PublishAsync(channel, i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received);
    }

    [Theory]
    [MemberData(nameof(RedisReconnectTests.PrivateKinds), MemberType = typeof(RedisReconnectTests))]
    public async Task Subscriber_subscribes_again_after_a_restart_and_receives_messages(RedisKind kind)
    {
        await using var redis = await RedisReconnectTests.StartAsync(kind);
        var options = Servers.For(redis.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = new RedisSubscriber(connection);
        var channel = options.KeyPrefix + "events";
        var messages = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await subscriber.SubscribeAsync(channel, (_, message) => messages.Writer.TryWrite(message));
        await connection.PublishAsync(channel, "before");
        Assert.Equal("before", await messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Connected += () => reconnected.TrySetResult();

        await redis.RestartAsync();
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var receivers = await connection.PublishAsync(channel, "after");

        Assert.Equal(1, receivers);
        Assert.Equal("after", await messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(subscriber.IsConnected);
    }

    [Fact]
    public async Task Connected_is_raised_once_per_restart_and_not_for_the_first_connection()
    {
        // Made before the connection opens, like a node's components: the multiplexer's ConnectionRestored for the
        // first connection may reach the subscriber, and it must not pass for a reconnect.
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url);
        await using var connection = RedisConnection.Unopened(options);
        await using var subscriber = new RedisSubscriber(connection);
        var announcements = System.Threading.Channels.Channel.CreateUnbounded<int>();
        var count = 0;
        subscriber.Connected += () => announcements.Writer.TryWrite(Interlocked.Increment(ref count));
        await connection.OpenAsync();
        var channel = options.KeyPrefix + "events";
        var messages = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await subscriber.SubscribeAsync(channel, (_, message) => messages.Writer.TryWrite(message));

        var afterRestarts = new List<int>();
        for (var restart = 1; restart <= 2; restart++)
        {
            await redis.RestartAsync();
            afterRestarts.Add(await announcements.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(1, await connection.PublishAsync(channel, $"after {restart}"));
            Assert.Equal($"after {restart}", await messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal([1, 2], afterRestarts);
    }

    [Fact]
    public async Task A_subscription_that_failed_is_not_made_again_when_redis_is_back()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url, commandTimeout: TimeSpan.FromSeconds(1));
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = new RedisSubscriber(connection);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Connected += () => reconnected.TrySetResult();
        var channel = options.KeyPrefix + "events";
        await redis.StopAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => subscriber.SubscribeAsync(channel, (_, _) => { }));
        await redis.StartAgainAsync();
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The restored subscription connection has subscribed again to all it knew before announcing itself.
        Assert.Equal(0, await connection.PublishAsync(channel, "nobody listens"));
    }
}
