using Worcr.Redis.Internal;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class PresenceRegistryTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Heartbeat_makes_an_entry_listed_with_its_info_and_server_time(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);
        var serverSeconds = (await Servers.ServerTimeAsync(connection)).ToUnixTimeSeconds();

        await presence.HeartbeatAsync("worker", "w1", new Dictionary<string, string> { ["node"] = "n1", ["capacity"] = "4" }, Minute);
        var entry = Assert.Single(await presence.ListAsync("worker"));

        Assert.Equal("w1", entry.Id);
        Assert.Equal(new Dictionary<string, string> { ["node"] = "n1", ["capacity"] = "4" }, entry.Info);
        Assert.InRange(entry.LastSeen.ToUnixTimeSeconds(), serverSeconds - 5, serverSeconds + 5);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Heartbeat_of_many_entries_at_once_lists_each_with_its_own_info(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);
        // More than one call's worth, and an entry without info among them.
        var beats = Enumerable.Range(0, PresenceRegistry.MaxBeatsPerCall * 2 + 5)
            .Select(i => new PresenceBeat($"w{i:D3}", i == 7 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["n"] = $"{i}", ["tags"] = "a,b" }))
            .ToArray();

        await presence.HeartbeatAsync("worker", beats, Minute);
        var listed = await presence.ListAsync("worker");

        Assert.Equal(beats.Select(b => b.Id), listed.Select(e => e.Id));
        Assert.All(listed.Zip(beats), pair => Assert.Equal(pair.Second.Info, pair.First.Info));
    }

    [Fact]
    public async Task Heartbeat_with_a_bad_entry_after_a_full_call_is_refused_before_anything_is_sent()
    {
        var options = await Servers.SharedAsync();
        await using var connection = await RedisConnection.ConnectAsync(options);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);
        var beats = Enumerable.Range(0, PresenceRegistry.MaxBeatsPerCall).Select(i => new PresenceBeat($"w{i}", new Dictionary<string, string>()))
            .Append(new PresenceBeat("", new Dictionary<string, string>())).ToArray();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => presence.HeartbeatAsync("worker", beats, Minute));

        Assert.Equal("beats", error.ParamName);
        Assert.Empty(await presence.ListAsync("worker"));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Later_heartbeat_replaces_the_info(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);

        await presence.HeartbeatAsync("node", "n1", new Dictionary<string, string> { ["old"] = "1" }, Minute);
        await presence.HeartbeatAsync("node", "n1", new Dictionary<string, string> { ["new"] = "2" }, Minute);

        Assert.Equal(new Dictionary<string, string> { ["new"] = "2" }, Assert.Single(await presence.ListAsync("node")).Info);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Kinds_are_listed_separately(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);

        await presence.HeartbeatAsync("node", "n1", new Dictionary<string, string>(), Minute);
        await presence.HeartbeatAsync("worker", "w1", new Dictionary<string, string>(), Minute);
        await presence.HeartbeatAsync("worker", "w2", new Dictionary<string, string>(), Minute);

        Assert.Equal(["n1"], (await presence.ListAsync("node")).Select(e => e.Id));
        Assert.Equal(["w1", "w2"], (await presence.ListAsync("worker")).Select(e => e.Id));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Removed_entry_leaves_the_list_and_the_index(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);
        await presence.HeartbeatAsync("worker", "w1", new Dictionary<string, string>(), Minute);

        await presence.RemoveAsync("worker", "w1");

        Assert.Empty(await presence.ListAsync("worker"));
        Assert.Equal(0, await connection.Database.SortedSetLengthAsync(RedisKeys.PresenceIndex(options.KeyPrefix, "worker")));
    }

    [Fact]
    public async Task Entry_that_stops_heartbeating_expires_and_is_pruned_from_the_index()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var expiries = await ExpiredKeyWatcher.StartAsync(connection, options);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);
        var expired = expiries.ExpiredAsync(RedisKeys.PresenceEntry(options.KeyPrefix, "worker", "short"));
        await presence.HeartbeatAsync("worker", "short", new Dictionary<string, string>(), TimeSpan.FromMilliseconds(200));
        await presence.HeartbeatAsync("worker", "long", new Dictionary<string, string>(), Minute);

        await expired;
        var live = await presence.ListAsync("worker");

        Assert.Equal(["long"], live.Select(e => e.Id));
        Assert.Null(await connection.Database.SortedSetScoreAsync(RedisKeys.PresenceIndex(options.KeyPrefix, "worker"), "short"));
    }

    [Fact]
    public void Index_and_entry_keys_share_the_kind_as_hash_tag()
    {
        Assert.Equal(("worcr:presence:{worker}", "worcr:presence:{worker}:w1"),
            (RedisKeys.PresenceIndex("worcr:", "worker"), RedisKeys.PresenceEntry("worcr:", "worker", "w1")));
    }
}
