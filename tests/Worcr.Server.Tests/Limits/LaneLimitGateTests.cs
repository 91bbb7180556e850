using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Core.Lanes;
using Worcr.Postgres;
using Worcr.Redis;
using Worcr.Redis.Limits;
using Worcr.Server.Limits;
using Worcr.Testing;

namespace Worcr.Server.Tests.Limits;

/// <summary>
/// A tenant limit holds a lane whose jobs were enqueued before it existed (no key stored with the lane) in the
/// gate's two other paths: the holders it rebuilds after Redis lost them, and the lanes a freed permit unparks.
/// </summary>
public sealed class LaneLimitGateTests
{
    private static readonly LimitDefinition PerTenant =
        new("per-tenant", LimitKind.Concurrency, new LimitMatch("tenant", null, null), 1, TimeSpan.Zero, 0, LimitMode.Job, true, "api");

    [Fact]
    public async Task Holders_rebuilt_after_redis_lost_them_include_running_jobs_of_lanes_without_stored_keys()
    {
        await using var redis = await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync(), KeyPrefix = TestServices.NewKeyPrefix("lanekeys") });
        var limiter = new RedisLimiter(redis, redis.Options.KeyPrefix);
        var running = new RunningAttempt(JobId: 7, Attempt: 1, Tenant: "acme", Type: "email", Tags: [], LimitKeys: []);
        var gate = new LimitGate(limiter, () => new LimitSet([PerTenant]), TimeSpan.FromSeconds(30), NullLogger.Instance)
        {
            RunningAttempts = _ => Task.FromResult<IReadOnlyList<RunningAttempt>>([running]),
        };
        gate.RequireRebuild();

        // The lane's capacity of 1 is taken by the running job once its holder is rebuilt.
        var permits = await gate.AcquireAsync(new Lane(1, "acme", "email", [], 1), 1, CancellationToken.None);

        var holders = await redis.Database.SortedSetRangeByRankAsync(limiter.KeysOf(PerTenant.CounterFor("tenant:acme"))[0]);
        Assert.Equal(["job:7:1"], holders.Select(h => h.ToString()));
        Assert.Equal(0, permits.Decision.Granted);
    }

    [Fact]
    public void A_freed_permit_on_a_tenant_key_unparks_that_tenants_lane_without_stored_keys()
    {
        var gate = new LimitGate(null, () => new LimitSet([PerTenant]), TimeSpan.FromSeconds(30), NullLogger.Instance);
        var woken = 0;
        gate.Wake = () => woken++;
        var now = DateTimeOffset.UtcNow;
        gate.Parking.Park(new Lane(1, "acme", "email", [], 1), now, TimeSpan.FromMinutes(1));
        gate.Parking.Park(new Lane(2, "globex", "email", [], 1), now, TimeSpan.FromMinutes(1));

        gate.OnReleased("tenant:acme");

        Assert.False(gate.Parking.IsParked(1, now));
        Assert.True(gate.Parking.IsParked(2, now));
        Assert.Equal(1, woken);
    }
}
