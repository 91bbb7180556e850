using Worcr.LocalServices;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class RedisSentinelTests
{
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
}
