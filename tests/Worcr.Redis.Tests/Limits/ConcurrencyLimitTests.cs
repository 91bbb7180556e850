using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

public sealed class ConcurrencyLimitTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static LimitCounter Counter(long capacity) => new("host:" + Guid.NewGuid().ToString("N"), "cc-test", LimitKind.Concurrency, capacity, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Admits_holders_up_to_the_capacity_in_order(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(3);

        var first = await kit.Limiter.AcquireHoldersAsync(counter, ["a", "b"], Minute);
        var second = await kit.Limiter.AcquireHoldersAsync(counter, ["c", "d", "e"], Minute);

        Assert.Equal((2, 1L), (first.Granted, second.Granted));
        Assert.InRange(second.Remaining, 0, 0);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_holder_acquiring_again_keeps_its_one_permit(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(2);

        await kit.Limiter.AcquireHoldersAsync(counter, ["a"], Minute);
        var again = await kit.Limiter.AcquireHoldersAsync(counter, ["a"], Minute);
        var other = await kit.Limiter.AcquireHoldersAsync(counter, ["b"], Minute);

        Assert.Equal((1, 1L), (again.Granted, other.Granted));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_released_permit_admits_the_next_holder(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(1);
        await kit.Limiter.AcquireHoldersAsync(counter, ["a"], Minute);
        var refused = await kit.Limiter.AcquireHoldersAsync(counter, ["b"], Minute);

        var released = await kit.Limiter.SettleHoldersAsync(counter, ["a"], [], Minute);
        var admitted = await kit.Limiter.AcquireHoldersAsync(counter, ["b"], Minute);

        Assert.Equal((0L, 1L, 1L), (refused.Granted, released, admitted.Granted));
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(50), Minute);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Holders_whose_lease_ran_out_free_their_permits(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(1);
        await kit.Limiter.AcquireHoldersAsync(counter, ["dead-node-job"], TimeSpan.FromMilliseconds(100));

        var refused = await kit.Limiter.AcquireHoldersAsync(counter, ["b"], Minute);
        // The lease is the thing under test: poll until it lapses, as a parked lane would retry.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        LimitGrant admitted;
        do admitted = await kit.Limiter.AcquireHoldersAsync(counter, ["b"], Minute);
        while (admitted.Granted == 0 && DateTime.UtcNow < deadline && await Retry(admitted.RetryAfter));

        Assert.Equal(0, refused.Granted);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, admitted.Granted);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Settling_swaps_placeholders_for_job_ids_and_registers_over_capacity(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(2);
        await kit.Limiter.AcquireHoldersAsync(counter, ["p1", "p2"], Minute);

        await kit.Limiter.SettleHoldersAsync(counter, ["p1", "p2"], ["job-1", "job-2", "job-3"], Minute);
        var members = (await kit.Connection.Database.SortedSetRangeByRankAsync(kit.Limiter.KeysOf(counter)[0])).Select(m => m.ToString()).ToArray();

        Assert.Equal(new[] { "job-1", "job-2", "job-3" }, members.Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task The_holders_key_expires_with_the_longest_lease_and_vanishes_when_empty(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(2);

        await kit.Limiter.AcquireHoldersAsync(counter, ["a"], TimeSpan.FromSeconds(30));
        var ttl = (await kit.TimesToLiveAsync(counter))[0];
        await kit.Limiter.SettleHoldersAsync(counter, ["a"], [], TimeSpan.FromSeconds(30));
        var afterRelease = (await kit.TimesToLiveAsync(counter))[0];

        Assert.InRange(ttl, 1, 30_000);
        Assert.Equal(-2, afterRelease);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_release_publishes_the_limit_key_for_parked_lanes(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(1);
        var published = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscriber = new RedisSubscriber(kit.Connection);
        await subscriber.SubscribeAsync(kit.Limiter.ReleasedChannel, (_, key) => published.TrySetResult(key));
        await kit.Limiter.AcquireHoldersAsync(counter, ["a"], Minute);

        await kit.Limiter.SettleHoldersAsync(counter, ["a"], [], Minute);

        Assert.Equal(counter.Key, await published.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<bool> Retry(TimeSpan after)
    {
        // Back after the limiter's retry_after, as a parked lane would: the lease's lapse in Redis is under test.
        await Task.Delay(after);
        return true;
    }
}
