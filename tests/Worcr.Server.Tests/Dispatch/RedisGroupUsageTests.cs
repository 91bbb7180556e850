using Worcr.Redis;
using Worcr.Server.Fairness;
using Worcr.Testing;

namespace Worcr.Server.Tests.Dispatch;

/// <summary>
/// The fairness usage every node shares in Redis. Before tenant weights had a floor, a share of 1e-300 raised every
/// returning tenant to a usage near 1e300 (docs/fairness-and-limits.md), and such a count stays in Redis (its key
/// lives on while the system is busy): at that size one more job no longer changes it, so its tenant would wait behind
/// every other one for as long as the key lives.
/// </summary>
public sealed class RedisGroupUsageTests
{
    [Fact]
    public async Task A_usage_too_large_for_a_job_to_change_is_started_afresh_and_the_others_keep_theirs()
    {
        var prefix = TestServices.NewKeyPrefix();
        await using var redis = await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync(), KeyPrefix = prefix });
        var key = prefix + "{fairness}:usage";
        await redis.Database.HashSetAsync(key, [new("tenant:inflated", "1e300"), new("tenant:steady", "40")]);
        var usage = new RedisGroupUsage(redis, prefix, TimeProvider.System);
        usage.Add("tenant:inflated", 1);
        usage.Add("tenant:steady", 1);

        await usage.SyncAsync(CancellationToken.None);

        Assert.Equal(0, usage.Usage("tenant:inflated"));
        Assert.Equal(41, usage.Usage("tenant:steady"));
        Assert.False(await redis.Database.HashExistsAsync(key, "tenant:inflated"));
        Assert.Equal(41, (double)await redis.Database.HashGetAsync(key, "tenant:steady"));
    }

    [Fact]
    public async Task A_count_redis_cannot_take_is_not_sent_again_and_again_with_the_other_groups_increments()
    {
        var prefix = TestServices.NewKeyPrefix();
        await using var redis = await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync(), KeyPrefix = prefix });
        var key = prefix + "{fairness}:usage";
        var usage = new RedisGroupUsage(redis, prefix, TimeProvider.System);
        // A share of double.Epsilon made a returning group's catch-up infinite; Redis refuses such an increment.
        usage.Add("tenant:infinite", double.PositiveInfinity);
        usage.Add("tenant:steady", 3);

        await usage.SyncAsync(CancellationToken.None);
        usage.Add("tenant:steady", 2);
        await usage.SyncAsync(CancellationToken.None);

        // Counted once each: pushed again after the refused increment, the 3 would have counted twice.
        Assert.Equal(5, (double)await redis.Database.HashGetAsync(key, "tenant:steady"));
        Assert.Equal(5, usage.Usage("tenant:steady"));
        Assert.Equal(0, usage.Usage("tenant:infinite"));
        Assert.False(await redis.Database.HashExistsAsync(key, "tenant:infinite"));
    }
}
