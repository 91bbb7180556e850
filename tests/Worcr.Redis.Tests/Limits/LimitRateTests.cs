using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

/// <summary>Timing-sensitive tests run alone, so other tests of this project do not steal their CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LimitTimingCollection
{
    public const string Name = "Limit timing";
}

/// <summary>A token bucket run for real against the Redis clock, with a few concurrent callers.</summary>
[Collection(LimitTimingCollection.Name)]
public sealed class LimitRateTests
{
    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task At_100_per_second_with_a_burst_of_100_ten_seconds_grant_1100_within_5_percent(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = new LimitCounter("api:" + Guid.NewGuid().ToString("N"), "tb-test", LimitKind.TokenBucket, 100, TimeSpan.FromSeconds(1), 100);

        // Each call takes every free token (up to 100): tokens are lost only when the bucket sits full, i.e. when no
        // call reaches Redis for a whole second. Smaller bursts made the test measure how often a busy machine's
        // round trips stall for a fifth of a second, not the limiter.
        var (granted, _, elapsed) = await kit.RunLoadAsync(counter, callers: 4, duration: TimeSpan.FromSeconds(10), unitsPerCall: 100);

        // 100 + 100 × 10 s; the callers' last calls may end a little after 10 s, and those milliseconds count too.
        var expected = 100 + (100 * elapsed.TotalSeconds);
        Assert.InRange(granted, expected * 0.95, expected * 1.05);
        Assert.InRange(expected, 1100, 1200);
    }
}
