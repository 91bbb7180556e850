using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Core.Lanes;
using Worcr.Postgres;
using Worcr.Redis;
using Worcr.Redis.Limits;
using Worcr.Server.Limits;
using Worcr.Testing;

namespace Worcr.Server.Tests.Limits;

/// <summary>The gate's rebuild of concurrency holders from the running attempts, against a real Redis.</summary>
public sealed class LimitGateRebuildTests
{
    private static readonly LimitDefinition PerTenant =
        new("per-tenant", LimitKind.Concurrency, new LimitMatch("tenant", null, null), 1, TimeSpan.Zero, 0, LimitMode.Job, true, "api");

    private static readonly Lane AcmeLane = new(1, "acme", "email", [], 1);

    /// <summary>
    /// The gate grants under a new set of definitions with a concurrency limit, before anything told it the
    /// definitions changed (a dispatch round can see the new set before the change handler ran): it rebuilds the
    /// holders first, and the running job takes the capacity of 1. Without that check, the counter was empty and the
    /// grant was made beside the running job.
    /// </summary>
    [Fact]
    public async Task A_grant_under_a_new_concurrency_limit_waits_for_the_running_jobs_holders()
    {
        await using var redis = await ConnectAsync();
        var limiter = new RedisLimiter(redis, redis.Options.KeyPrefix);
        var limits = LimitSet.Empty;
        var running = new RunningAttempt(JobId: 7, Attempt: 1, Tenant: "acme", Type: "email", Tags: [], LimitKeys: []);
        var gate = new LimitGate(limiter, () => limits, TimeSpan.FromSeconds(30), NullLogger.Instance)
        {
            RunningAttempts = _ => Task.FromResult<IReadOnlyList<RunningAttempt>>([running]),
        };
        await gate.AcquireAsync(AcmeLane, 1, CancellationToken.None);

        limits = new LimitSet([PerTenant]);
        var permits = await gate.AcquireAsync(AcmeLane, 1, CancellationToken.None);

        Assert.Equal(0, permits.Decision.Granted);
        Assert.Equal(["job:7:1"], await HoldersAsync(redis, limiter));
    }

    /// <summary>
    /// A job ends between the rebuild's read of the running attempts and the registration of its holder: its release
    /// came first (nothing to remove yet), so the rebuild put back a holder nobody would remove, a slot taken for a
    /// whole lease with nothing running. Here the second read no longer has the job, and its holder goes.
    /// </summary>
    [Fact]
    public async Task A_job_that_ended_while_the_holders_were_rebuilt_keeps_no_holder()
    {
        await using var redis = await ConnectAsync();
        var limiter = new RedisLimiter(redis, redis.Options.KeyPrefix);
        var reads = 0;
        var ended = new RunningAttempt(JobId: 7, Attempt: 1, Tenant: "acme", Type: "email", Tags: [], LimitKeys: []);
        var gate = new LimitGate(limiter, () => new LimitSet([PerTenant]), TimeSpan.FromSeconds(30), NullLogger.Instance)
        {
            // The first read still sees the job running; it has ended (and been released) by any later read.
            RunningAttempts = _ => Task.FromResult<IReadOnlyList<RunningAttempt>>(Interlocked.Increment(ref reads) == 1 ? [ended] : []),
        };
        gate.RequireRebuild();

        var permits = await gate.AcquireAsync(AcmeLane, 1, CancellationToken.None);

        Assert.Equal(1, permits.Decision.Granted);
        Assert.DoesNotContain("job:7:1", await HoldersAsync(redis, limiter));
    }

    private static async Task<RedisConnection> ConnectAsync() =>
        await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync(), KeyPrefix = TestServices.NewKeyPrefix("rebuild") });

    private static async Task<string[]> HoldersAsync(RedisConnection redis, RedisLimiter limiter) =>
        (await redis.Database.SortedSetRangeByRankAsync(limiter.KeysOf(PerTenant.CounterFor("tenant:acme"))[0])).Select(h => h.ToString()).ToArray();
}
