using StackExchange.Redis;
using Worcr.LocalServices;
using Worcr.Redis.Limits;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class RedisSentinelTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Url_with_a_sentinel_service_connects_to_the_primary_the_sentinel_names()
    {
        await using var primary = await TestServices.StartPrivateRedisAsync();
        await using var sentinel = await RedisSentinelProcess.StartAsync(primary, "worcr-primary", TestServices.NewTempDirectory("sentinel"));
        var options = Servers.For(sentinel.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var direct = await RedisConnection.ConnectAsync(Servers.For(primary.Url));
        var locks = new RedisLeaderLock(connection, options.KeyPrefix);

        var lease = await locks.TryAcquireAsync("reaper", "node-a", TimeSpan.FromMinutes(1));

        Assert.NotNull(lease);
        Assert.True(await direct.Database.KeyExistsAsync(Internal.RedisKeys.Lock(options.KeyPrefix, "reaper")));
    }

    [Fact]
    public async Task After_a_sentinel_failover_locks_and_limits_work_on_the_new_primary_on_the_same_connection()
    {
        await using var group = await TestServices.StartPrivateRedisSentinelGroupAsync();
        var options = Servers.For(group.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var locks = new RedisLeaderLock(connection, options.KeyPrefix);
        var limiter = new RedisLimiter(connection, options.KeyPrefix);
        var slots = new LimitCounter("tenant-a", "exports", LimitKind.Concurrency, 2, TimeSpan.Zero);
        var lease = await locks.TryAcquireAsync("reaper", "node-a", Minute);
        Assert.NotNull(lease);
        Assert.Equal(1, (await limiter.AcquireHoldersAsync(slots, ["job-1"], Minute)).Granted);
        await using var oldPrimary = await DirectAsync(group.Primary.Port);
        await using var newPrimary = await DirectAsync(group.Replica.Port);
        // Replication is asynchronous; WAIT answers once the replica has these writes, so the failover keeps them.
        Assert.Equal(1, (long)await oldPrimary.GetDatabase().ExecuteAsync("WAIT", 1, 10_000));

        var switched = group.Sentinels[0].SwitchedPrimaryAsync(group.Primary.Port, group.Replica.Port, Deadline);
        await FailoverAsync(group.Sentinels[0].Port, group.ServiceName);
        await switched;
        await WritesReachAsync(newPrimary, locks, options.KeyPrefix);

        Assert.IsType<Role.Master>(await newPrimary.GetServers().Single().RoleAsync());
        // The lease taken before the failover still holds there: no second leader, and its owner renews it.
        Assert.Null(await locks.TryAcquireAsync("reaper", "node-b", Minute));
        Assert.True(await locks.RenewAsync(lease, Minute));
        // The concurrency limit kept its holder: one of the two slots is left.
        Assert.Equal(1, (await limiter.AcquireHoldersAsync(slots, ["job-2", "job-3"], Minute)).Granted);
        Assert.Equal(2, await newPrimary.GetDatabase().SortedSetLengthAsync(LimitKeyNames.Of(options.KeyPrefix, slots, "cc")));
    }

    /// <summary>SENTINEL FAILOVER, repeated while the Sentinel answers NOGOODSLAVE.</summary>
    private static async Task FailoverAsync(int sentinelPort, string serviceName)
    {
        await using var sentinel = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", sentinelPort } }, CommandMap = CommandMap.Sentinel, AllowAdmin = true,
        });
        var server = sentinel.GetServers().Single();
        // A Sentinel promotes only a replica whose INFO it refreshed recently, and it logs nothing when it does: no
        // signal exists for "a replica is now eligible", so the command is retried until it is accepted.
        await Until(async () =>
        {
            try
            {
                await server.SentinelFailoverAsync(serviceName);
                return true;
            }
            catch (RedisServerException e) when (e.Message.Contains("NOGOODSLAVE", StringComparison.Ordinal))
            {
                return false;
            }
        });
    }

    /// <summary>Until a lock taken through the node's connection is found on the new primary.</summary>
    private static async Task WritesReachAsync(ConnectionMultiplexer newPrimary, RedisLeaderLock locks, string keyPrefix)
    {
        var probe = 0;
        // StackExchange.Redis follows the Sentinel's +switch-master message by itself but raises no event saying that
        // commands now go to the new primary; until then they may fail (READONLY, a closed connection) or reach the
        // old primary, so that is polled, with a deadline.
        await Until(async () =>
        {
            var name = $"probe-{++probe}";
            try
            {
                return await locks.TryAcquireAsync(name, "node-a", Minute) is not null
                    && await newPrimary.GetDatabase().KeyExistsAsync(Internal.RedisKeys.Lock(keyPrefix, name));
            }
            catch (RedisException)
            {
                return false;
            }
        });
    }

    private static async Task Until(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!await condition())
        {
            deadline.Token.ThrowIfCancellationRequested();
            // The pause between polls of a Sentinel's or client's state that no event announces (see the callers).
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }

    private static Task<ConnectionMultiplexer> DirectAsync(int port) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", port } }, AllowAdmin = true });
}
