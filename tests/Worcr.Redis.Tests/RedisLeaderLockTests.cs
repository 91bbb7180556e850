using Worcr.Redis.Internal;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class RedisLeaderLockTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Of_two_owners_racing_for_the_lock_only_one_wins(RedisKind kind)
    {
        var (connection, locks) = await ConnectAsync(kind);
        await using var _ = connection;

        var leases = await Task.WhenAll(
            locks.TryAcquireAsync("reaper", "node-a", Minute),
            locks.TryAcquireAsync("reaper", "node-b", Minute));

        Assert.Single(leases.OfType<LeaderLease>());
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Fencing_tokens_strictly_increase_across_acquisitions(RedisKind kind)
    {
        var (connection, locks) = await ConnectAsync(kind);
        await using var _ = connection;
        var tokens = new List<long>();

        foreach (var owner in new[] { "node-a", "node-b", "node-a" })
        {
            var lease = await locks.TryAcquireAsync("cron", owner, Minute);
            Assert.NotNull(lease);
            tokens.Add(lease.FencingToken);
            await locks.ReleaseAsync(lease);
        }

        Assert.True(tokens[0] < tokens[1] && tokens[1] < tokens[2], string.Join(", ", tokens));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Renew_and_release_by_a_non_owner_fail_and_leave_the_lock_held(RedisKind kind)
    {
        var (connection, locks) = await ConnectAsync(kind);
        await using var _ = connection;
        var lease = (await locks.TryAcquireAsync("reaper", "node-a", Minute))!;
        var impostor = lease with { Owner = "node-b" };

        Assert.False(await locks.RenewAsync(impostor, Minute));
        await locks.ReleaseAsync(impostor);

        Assert.Null(await locks.TryAcquireAsync("reaper", "node-b", Minute));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task An_old_lease_of_the_same_owner_cannot_renew_the_newer_one(RedisKind kind)
    {
        var (connection, locks) = await ConnectAsync(kind);
        await using var _ = connection;
        var first = (await locks.TryAcquireAsync("reaper", "node-a", Minute))!;
        await locks.ReleaseAsync(first);
        var second = (await locks.TryAcquireAsync("reaper", "node-a", Minute))!;

        Assert.False(await locks.RenewAsync(first, Minute));
        Assert.True(await locks.RenewAsync(second, Minute));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Renew_by_the_owner_extends_the_lease(RedisKind kind)
    {
        var (connection, locks, options) = await ConnectWithOptionsAsync(kind);
        await using var _ = connection;
        var lease = (await locks.TryAcquireAsync("reaper", "node-a", TimeSpan.FromSeconds(5)))!;

        Assert.True(await locks.RenewAsync(lease, TimeSpan.FromMinutes(10)));

        Assert.True(await connection.Database.KeyTimeToLiveAsync(RedisKeys.Lock(options.KeyPrefix, "reaper")) > Minute);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Lease_expiry_comes_from_the_redis_clock(RedisKind kind)
    {
        var (connection, locks) = await ConnectAsync(kind);
        await using var _ = connection;
        var serverNow = await Servers.ServerTimeAsync(connection);

        var lease = (await locks.TryAcquireAsync("reaper", "node-a", Minute))!;

        Assert.InRange(lease.ExpiresAt - serverNow, Minute - TimeSpan.FromSeconds(5), Minute + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Both_lock_keys_share_one_hash_tag_so_the_script_stays_in_one_cluster_slot()
    {
        Assert.Equal(("worcr:lock:{reaper}", "worcr:lock:{reaper}:fencing"),
            (RedisKeys.Lock("worcr:", "reaper"), RedisKeys.LockFencing("worcr:", "reaper")));
    }

    [Fact]
    public async Task After_the_lease_expires_another_owner_acquires_with_a_higher_token()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var expiries = await ExpiredKeyWatcher.StartAsync(connection, options);
        var locks = new RedisLeaderLock(connection, options.KeyPrefix);
        var expired = expiries.ExpiredAsync(RedisKeys.Lock(options.KeyPrefix, "reaper"));
        var first = (await locks.TryAcquireAsync("reaper", "node-a", TimeSpan.FromSeconds(1)))!;
        Assert.Null(await locks.TryAcquireAsync("reaper", "node-b", TimeSpan.FromSeconds(1)));

        await expired;
        var second = await locks.TryAcquireAsync("reaper", "node-b", Minute);

        Assert.NotNull(second);
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.False(await locks.RenewAsync(first, Minute));
    }

    [Theory]
    [MemberData(nameof(RedisReconnectTests.PrivateKinds), MemberType = typeof(RedisReconnectTests))]
    public async Task Fencing_tokens_keep_increasing_after_redis_restarts_and_loses_the_counter(RedisKind kind)
    {
        await using var redis = await RedisReconnectTests.StartAsync(kind);
        var options = Servers.For(redis.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var locks = new RedisLeaderLock(connection, options.KeyPrefix);
        var before = (await locks.TryAcquireAsync("reaper", "node-a", Minute))!;

        await redis.RestartAsync();
        var after = await RetryOnceAfterConnectionLossAsync(() => locks.TryAcquireAsync("reaper", "node-b", Minute));

        Assert.NotNull(after);
        Assert.True(after.FencingToken > before.FencingToken, $"{after.FencingToken} <= {before.FencingToken}");
    }

    // The first command after a restart may find the old socket not yet noticed as dead.
    private static async Task<T> RetryOnceAfterConnectionLossAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (StackExchange.Redis.RedisConnectionException)
        {
            return await action();
        }
    }

    private static async Task<(RedisConnection, RedisLeaderLock)> ConnectAsync(RedisKind kind)
    {
        var (connection, locks, _) = await ConnectWithOptionsAsync(kind);
        return (connection, locks);
    }

    private static async Task<(RedisConnection, RedisLeaderLock, RedisOptions)> ConnectWithOptionsAsync(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        var connection = await RedisConnection.ConnectAsync(options);
        return (connection, new RedisLeaderLock(connection, options.KeyPrefix), options);
    }
}
