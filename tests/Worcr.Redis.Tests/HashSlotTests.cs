using StackExchange.Redis;
using Worcr.Redis.Internal;
using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests;

/// <summary>Every script's keys live in one Redis Cluster slot, computed with CRC16 and checked against a real cluster.</summary>
public sealed class HashSlotTests
{
    private static readonly string[] Prefixes = ["worcr:", "t:1:2:abc:", ""];
    private static readonly string[] Names = ["reaper", "host:example.com", "tenant/ünïcode", "a:b:c", "x"];

    [Fact]
    public void Crc16_matches_the_values_in_the_redis_cluster_specification()
    {
        // From the Redis Cluster specification: CRC16 of "123456789" is 0x31C3; tags choose the hashed part.
        Assert.Equal(0x31C3 % HashSlots.Count, HashSlots.Of("123456789"));
        Assert.Equal(HashSlots.Of("user1000"), HashSlots.Of("{user1000}.following"));
        Assert.Equal(HashSlots.Of("{}.a"), HashSlots.Of("{}.a"));
        Assert.NotEqual(HashSlots.Of("{}.a"), HashSlots.Of("{}.b"));
    }

    [Fact]
    public async Task Crc16_agrees_with_the_cluster_and_the_client_while_standalone_has_no_slots()
    {
        await using var cluster = await Servers.AdminAsync(await Servers.SharedAsync(RedisKind.Cluster));
        await using var standalone = await Servers.ConnectAsync(RedisKind.Standalone);
        string[] keys = ["worcr:limit:{host:example.com}:per-host:cc", "plain-key", "{}.a", "ünïcode{tag}"];

        foreach (var key in keys)
        {
            var clusterSlot = (long)await cluster.GetDatabase().ExecuteAsync("CLUSTER", "KEYSLOT", key);
            Assert.Equal(clusterSlot, HashSlots.Of(key));
            Assert.Equal(clusterSlot, cluster.HashSlot(key));
            Assert.Equal(-1, standalone.Multiplexer.HashSlot(key));
        }
    }

    [Theory]
    [InlineData(LimitKind.Concurrency)]
    [InlineData(LimitKind.FixedWindow)]
    [InlineData(LimitKind.SlidingWindow)]
    [InlineData(LimitKind.TokenBucket)]
    public void Every_limit_script_touches_one_slot(LimitKind kind)
    {
        foreach (var prefix in Prefixes)
        {
            foreach (var key in Names)
            {
                var keys = LimitKeyNames.All(prefix, new LimitCounter(key, "per-x", kind, 5, TimeSpan.FromSeconds(1)));
                AssertOneSlot(keys);
                Assert.Equal(HashSlots.Of("{" + key + "}"), HashSlots.Of(keys[0]));
            }
        }
    }

    [Fact]
    public void Leader_lock_and_presence_scripts_touch_one_slot()
    {
        foreach (var prefix in Prefixes)
        {
            foreach (var name in Names)
            {
                AssertOneSlot([RedisKeys.Lock(prefix, name), RedisKeys.LockFencing(prefix, name)]);
                AssertOneSlot([RedisKeys.PresenceIndex(prefix, name), RedisKeys.PresenceEntry(prefix, name, "worker-1"), RedisKeys.PresenceEntry(prefix, name, "n:{x}")]);
            }
        }
    }

    [Fact]
    public async Task Cluster_refuses_a_script_whose_keys_span_two_slots()
    {
        await using var cluster = await Servers.ConnectAsync(RedisKind.Cluster);
        Assert.NotEqual(HashSlots.Of("a"), HashSlots.Of("b"));

        var error = await Assert.ThrowsAsync<RedisCommandException>(() => cluster.EvalAsync("return 1", ["a", "b"], []));

        Assert.Contains("single slot", error.Message);
    }

    private static void AssertOneSlot(IReadOnlyList<string> keys) =>
        Assert.Single(keys.Select(HashSlots.Of).Distinct());
}
