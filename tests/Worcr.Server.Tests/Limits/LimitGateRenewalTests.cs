using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Redis;
using Worcr.Redis.Limits;
using Worcr.Server.Limits;
using Worcr.Testing;

namespace Worcr.Server.Tests.Limits;

/// <summary>The heartbeat's renewal of concurrency holders, against a real Redis.</summary>
public sealed class LimitGateRenewalTests
{
    /// <summary>
    /// A heartbeat reads the worker's jobs, then registers their holders again one counter at a time; a job that
    /// completes in between is released (its holder removed) before the renewal reaches its counter. The renewal put
    /// the holder back, and the slot stayed taken for a whole lease with nothing running. Here the renewal is handed
    /// such a stale list: a job it holds no permit for any more.
    /// </summary>
    [Fact]
    public async Task A_renewal_does_not_bring_back_the_holder_of_a_job_released_after_it_read_the_jobs()
    {
        await using var redis = await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync(), KeyPrefix = TestServices.NewKeyPrefix("renew") });
        var gate = new LimitGate(new RedisLimiter(redis, redis.Options.KeyPrefix), () => LimitSet.Empty, TimeSpan.FromSeconds(30), NullLogger.Instance);
        var counter = new LimitCounter("host:renewal.example.com", "per-host", LimitKind.Concurrency, 1, TimeSpan.Zero);

        await gate.RenewHoldersAsync("w-renewal", [(JobId: 42, Attempt: 1, Counters: [counter])], CancellationToken.None);

        var holders = await redis.Database.SortedSetRangeByRankAsync(new RedisLimiter(redis, redis.Options.KeyPrefix).KeysOf(counter)[0]);
        Assert.Empty(holders);
    }
}
