using StackExchange.Redis;
using Worcr.Core.Errors;
using Worcr.Protocol.V1;
using Worcr.Redis;
using Worcr.Server.Events;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;

namespace Worcr.Server.Tests.Events;

/// <summary>A node holds the live-events subscription only while something on it watches.</summary>
public sealed class EventSubscriptionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_node_without_watchers_is_not_subscribed_and_the_last_watcher_leaving_unsubscribes_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var redis = await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync() });
        var channel = cluster.RedisPrefix + "events";
        var events = cluster.Nodes[0].Events;
        await cluster.Client().EnqueueAsync("test.echo", "acme");
        Assert.Equal(0, await SubscribersAsync(redis, channel));

        var first = await events.WatchAsync(new WatchFilter([], "acme"), CancellationToken.None);
        var second = await events.WatchAsync(new WatchFilter([], "globex"), CancellationToken.None);
        Assert.Equal(1, await SubscribersAsync(redis, channel));

        var unsubscribed = events.Unsubscribed;
        first.Dispose();
        Assert.False(unsubscribed.IsCompleted);
        Assert.Equal(1, await SubscribersAsync(redis, channel));
        second.Dispose();
        await unsubscribed.WaitAsync(Patience);
        Assert.Equal(0, await SubscribersAsync(redis, channel));
    }

    [Fact]
    public async Task A_watcher_after_the_node_unsubscribed_hears_other_nodes_again()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        var events = cluster.Nodes[1].Events;
        var unsubscribed = events.Unsubscribed;
        (await events.WatchAsync(new WatchFilter([], "acme"), CancellationToken.None)).Dispose();
        await unsubscribed.WaitAsync(Patience);

        using var watcher = await events.WatchAsync(new WatchFilter([], "acme"), CancellationToken.None);
        var first = await cluster.Client(0).EnqueueAsync("test.echo", "acme");
        var second = await cluster.Client(0).EnqueueAsync("test.echo", "acme");

        // Each event once: a subscription made twice would hand every batch over twice.
        var heard = new List<string>();
        while (!heard.Contains(second))
        {
            var next = await watcher.ReadAsync(Patience, CancellationToken.None);
            Assert.NotNull(next);
            Assert.Equal(JobState.Waiting, next.StateChanged.State);
            heard.Add(next.JobId);
        }
        Assert.Equal([first, second], heard);
    }

    [Fact]
    public async Task A_stopped_node_refuses_a_new_watcher_as_unavailable()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Nodes[0];
        await node.StopAsync();

        var error = await Assert.ThrowsAsync<WorcrError>(() => node.Events.WatchAsync(new WatchFilter([], "acme"), CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
    }

    private static async Task<long> SubscribersAsync(RedisConnection redis, string channel)
    {
        var reply = (RedisResult[])(await redis.Database.ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
        return (long)reply[1];
    }
}
