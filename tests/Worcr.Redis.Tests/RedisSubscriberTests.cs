using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class RedisSubscriberTests
{
    [Fact]
    public async Task Subscriber_receives_a_published_message()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = await RedisSubscriber.ConnectAsync(options);
        var channel = options.KeyPrefix + "events";
        var received = new TaskCompletionSource<(string, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await subscriber.SubscribeAsync(channel, (ch, message) => received.TrySetResult((ch, message)));

        await connection.ExecuteAsync("PUBLISH", channel, "héllo");

        Assert.Equal((channel, "héllo"), await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Unsubscribed_channel_receives_nothing_more()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = await RedisSubscriber.ConnectAsync(options);
        var channel = options.KeyPrefix + "gone";
        await subscriber.SubscribeAsync(channel, (_, _) => { });

        await subscriber.UnsubscribeAsync(channel);
        // Commands on one socket run in order: once this later SUBSCRIBE is confirmed, the UNSUBSCRIBE was done.
        await subscriber.SubscribeAsync(options.KeyPrefix + "other", (_, _) => { });

        Assert.Equal(0, (await connection.ExecuteAsync("PUBLISH", channel, "x")).AsInt64());
    }

    [Fact]
    public async Task Failing_handler_is_reported_and_later_messages_still_arrive()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = await RedisSubscriber.ConnectAsync(options);
        var channel = options.KeyPrefix + "flaky";
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.HandlerFailed += (_, e) => failure.TrySetResult(e);
        await subscriber.SubscribeAsync(channel, (_, message) =>
        {
            if (message == "bad") throw new InvalidOperationException("handler bug");
            second.TrySetResult(message);
        });

        await connection.ExecuteAsync("PUBLISH", channel, "bad");
        await connection.ExecuteAsync("PUBLISH", channel, "good");

        Assert.Equal("handler bug", (await failure.Task.WaitAsync(TimeSpan.FromSeconds(10))).Message);
        Assert.Equal("good", await second.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Subscriber_subscribes_again_after_a_restart_and_receives_messages()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var subscriber = await RedisSubscriber.ConnectAsync(options);
        var channel = options.KeyPrefix + "events";
        var messages = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await subscriber.SubscribeAsync(channel, (_, message) => messages.Writer.TryWrite(message));
        await connection.ExecuteAsync("PUBLISH", channel, "before");
        Assert.Equal("before", await messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Connected += () => reconnected.TrySetResult();

        await redis.RestartAsync();
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var receivers = await connection.ExecuteAsync("PUBLISH", channel, "after");

        Assert.Equal(1, receivers.AsInt64());
        Assert.Equal("after", await messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(subscriber.IsConnected);
    }
}
