using StackExchange.Redis;
using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

public sealed class TokenBucketLimitTests
{
    private static LimitCounter Counter(long perSecond, long burst) =>
        new("api:" + Guid.NewGuid().ToString("N"), "tb-test", LimitKind.TokenBucket, perSecond, TimeSpan.FromSeconds(1), burst);

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_full_bucket_grants_its_burst_then_retry_after_one_token_time(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        // One token a minute: however long the machine makes the test wait between the two calls (a tenth of a
        // second was once enough to refill a token), the bucket is still empty at the second.
        var counter = new LimitCounter("api:" + Guid.NewGuid().ToString("N"), "tb-test", LimitKind.TokenBucket, 1, TimeSpan.FromMinutes(1), 5);

        var burst = await kit.Limiter.AcquireAsync(counter, 8, allOrNothing: false);
        var refused = await kit.Limiter.AcquireAsync(counter, 1, allOrNothing: false);

        Assert.Equal(5, burst.Granted);
        Assert.Equal(0, refused.Granted);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// A bucket that refills slowly (a token a day), asked often: each call stored its tokens rounded to six decimals,
    /// so a call that came less than 43 ms after the one before lost what it refilled, and a bucket asked that often
    /// never refilled.
    /// </summary>
    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_slow_bucket_asked_often_keeps_each_fraction_of_a_token_it_refilled(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = new LimitCounter("api:" + Guid.NewGuid().ToString("N"), "tb-test", LimitKind.TokenBucket, 1, TimeSpan.FromDays(1), 1);
        var key = kit.Limiter.KeysOf(counter)[0];
        var database = kit.Connection.Database;
        var emptied = await kit.Limiter.AcquireAsync(counter, 1, allOrNothing: false);

        // Empty since ten milliseconds ago by the server's clock (the scripts' clock): at least 10 ms of refill by now.
        var time = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        var nowMs = (long)time[0] * 1000 + (long)time[1] / 1000;
        await database.HashSetAsync(key, [new HashEntry("t", 0), new HashEntry("ts", nowMs - 10)]);
        var refused = await kit.Limiter.AcquireAsync(counter, 1, allOrNothing: false);
        var tokens = double.Parse((string)(await database.HashGetAsync(key, "t"))!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal((1, 0), (emptied.Granted, refused.Granted));
        var tenMilliseconds = 10 / TimeSpan.FromDays(1).TotalMilliseconds;
        Assert.True(tokens >= tenMilliseconds, $"{tokens} tokens stored, at least {tenMilliseconds} refilled");
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Tokens_given_back_can_be_taken_again(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(perSecond: 1, burst: 5);

        var grant = await kit.Limiter.AcquireAsync(counter, 5, allOrNothing: false);
        await kit.Limiter.GiveBackAsync(counter, grant, 4);
        var again = await kit.Limiter.AcquireAsync(counter, 5, allOrNothing: false);

        Assert.Equal(4, again.Granted);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_cost_above_the_burst_is_impossible(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);

        var grant = await kit.Limiter.AcquireAsync(Counter(perSecond: 100, burst: 20), 21, allOrNothing: true);

        Assert.True(grant.Impossible);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task The_bucket_key_lives_only_until_the_bucket_would_be_full_again(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(perSecond: 10, burst: 10);

        await kit.Limiter.AcquireAsync(counter, 10, allOrNothing: false);

        Assert.All(await kit.TimesToLiveAsync(counter), ttl => Assert.InRange(ttl, 1, 1000));
    }
}
