using System.Reflection;
using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

/// <summary>The PITFALLS rules for limit scripts: the server's clock, and one hash slot per script.</summary>
public sealed class LimitScriptRulesTests
{
    private static IEnumerable<(string Name, RedisScript Script)> Scripts() =>
        typeof(LimitScripts).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (f.Name, (RedisScript)f.GetValue(null)!));

    [Fact]
    public void Every_acquire_script_reads_time_from_the_redis_server_not_from_a_caller()
    {
        var acquires = Scripts().Where(s => s.Name.EndsWith("Acquire", StringComparison.Ordinal)).ToArray();

        Assert.Equal(4, acquires.Length);
        Assert.All(acquires, s => Assert.Contains("redis.call('TIME')", s.Script.Source, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LimitKind.Concurrency)]
    [InlineData(LimitKind.FixedWindow)]
    [InlineData(LimitKind.SlidingWindow)]
    [InlineData(LimitKind.TokenBucket)]
    public async Task All_keys_of_one_counter_share_the_limit_key_as_their_hash_tag(LimitKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync();
        var counter = new LimitCounter("host:example.com", "per-host", kind, 5, TimeSpan.FromSeconds(1));

        var tags = kit.Limiter.KeysOf(counter).Select(HashTag).Distinct().ToArray();

        Assert.Equal(["host:example.com"], tags);
    }

    /// <summary>The part Redis Cluster hashes: between the first '{' and the next '}'.</summary>
    private static string HashTag(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = key.IndexOf('}', open + 1);
        return key[(open + 1)..close];
    }
}
