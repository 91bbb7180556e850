using Worcr.Postgres;
using Worcr.Server.Identity;
using Worcr.Testing;

namespace Worcr.Server.Tests.Identity;

/// <summary>
/// How long the tenant key cache trusts what it read, when the node's wall clock and monotonic clock disagree. The
/// lookup answers the tenant until the test revokes the key (as another node would: this cache hears nothing), so a
/// call answered with the tenant after that came from memory.
/// </summary>
public sealed class TenantKeyCacheClockTests
{
    private static readonly string Key = TenantKeyStore.KeyPrefix + new string('k', 48);
    private readonly SteppedClock _clock = new();
    private string? _stored = "acme";
    private int _lookUps;

    [Fact]
    public async Task A_wall_clock_stepped_back_an_hour_does_not_keep_a_revoked_key_working()
    {
        var cache = NewCache();
        Assert.Equal("acme", await cache.TenantOfAsync(Key, CancellationToken.None));
        _stored = null; // revoked on another node

        _clock.Pass(TimeSpan.FromSeconds(1));
        _clock.StepWallBack(TimeSpan.FromHours(1));
        _clock.Pass(TenantKeyCache.Freshness);
        var tenant = await cache.TenantOfAsync(Key, CancellationToken.None);

        Assert.True(tenant is null, $"a key read {TenantKeyCache.Freshness.TotalSeconds + 1:0} s ago (monotonic clock) and revoked since still let tenant " +
            $"'{tenant}' in after the wall clock was stepped back an hour (Freshness {TenantKeyCache.Freshness.TotalSeconds:0} s)");
        Assert.Equal(2, _lookUps);
    }

    [Fact]
    public async Task A_wall_clock_stepped_back_an_hour_does_not_keep_an_unknown_key_refused()
    {
        _stored = null;
        var cache = NewCache();
        Assert.Null(await cache.TenantOfAsync(Key, CancellationToken.None));
        _stored = "acme"; // created on another node

        _clock.StepWallBack(TimeSpan.FromHours(1));
        _clock.Pass(TenantKeyCache.Freshness);

        Assert.Equal("acme", await cache.TenantOfAsync(Key, CancellationToken.None));
    }

    [Fact]
    public async Task A_key_read_before_the_host_was_suspended_is_looked_up_again_after()
    {
        var cache = NewCache();
        Assert.Equal("acme", await cache.TenantOfAsync(Key, CancellationToken.None));
        _stored = null;

        _clock.Suspend(TimeSpan.FromHours(1));

        Assert.Null(await cache.TenantOfAsync(Key, CancellationToken.None));
        Assert.Equal(2, _lookUps);
    }

    [Fact]
    public async Task A_key_is_answered_from_memory_until_its_freshness_passes()
    {
        var cache = NewCache();
        Assert.Equal("acme", await cache.TenantOfAsync(Key, CancellationToken.None));
        _stored = null;

        _clock.Pass(TenantKeyCache.Freshness - TimeSpan.FromMilliseconds(1));
        Assert.Equal("acme", await cache.TenantOfAsync(Key, CancellationToken.None));
        Assert.Equal(1, _lookUps);
        _clock.Pass(TimeSpan.FromMilliseconds(1));
        Assert.Null(await cache.TenantOfAsync(Key, CancellationToken.None));
        Assert.Equal(2, _lookUps);
    }

    private TenantKeyCache NewCache() => new((_, _) =>
    {
        _lookUps++;
        return Task.FromResult(_stored);
    }, _clock);
}
