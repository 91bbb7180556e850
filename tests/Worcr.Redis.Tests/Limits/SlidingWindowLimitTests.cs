using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

public sealed class SlidingWindowLimitTests
{
    private static LimitCounter Counter(long capacity, TimeSpan period) => new("api:" + Guid.NewGuid().ToString("N"), "sw-test", LimitKind.SlidingWindow, capacity, period);

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Grants_up_to_the_capacity_then_answers_retry_when_the_oldest_grant_leaves_the_window(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(3, TimeSpan.FromSeconds(10));

        var sinceFirst = System.Diagnostics.Stopwatch.StartNew();
        var first = await kit.Limiter.AcquireAsync(counter, 2, allOrNothing: false);
        var second = await kit.Limiter.AcquireAsync(counter, 2, allOrNothing: false);
        var refused = await kit.Limiter.AcquireAsync(counter, 1, allOrNothing: false);
        var elapsed = sinceFirst.Elapsed;

        Assert.Equal((2, 1, 0L), (first.Granted, second.Granted, refused.Granted));
        // The oldest grant leaves the window 10 s after it was made, and it was made at most `elapsed` ago (a loaded
        // machine once took 1.5 s over these three calls).
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(10) - elapsed - TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10.01));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Units_given_back_can_be_taken_again(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(4, TimeSpan.FromSeconds(10));

        var grant = await kit.Limiter.AcquireAsync(counter, 4, allOrNothing: false);
        await kit.Limiter.GiveBackAsync(counter, grant, 3);
        var again = await kit.Limiter.AcquireAsync(counter, 4, allOrNothing: false);

        Assert.Equal(3, again.Granted);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_cost_above_the_capacity_is_impossible(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);

        var grant = await kit.Limiter.AcquireAsync(Counter(3, TimeSpan.FromSeconds(1)), 4, allOrNothing: true);

        Assert.True(grant.Impossible);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Both_keys_of_the_log_expire_within_one_period(RedisKind kind)
    {
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(3, TimeSpan.FromSeconds(10));

        await kit.Limiter.AcquireAsync(counter, 1, allOrNothing: false);

        Assert.All(await kit.TimesToLiveAsync(counter), ttl => Assert.InRange(ttl, 1, 10_000));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Over_two_seconds_a_100_ms_window_of_10_grants_at_most_10_per_window_the_run_touches(RedisKind kind)
    {
        // 100 ms windows keep the test short: at most 10 in any 100 ms, so at most 10 × (run / 100 ms + 1), about 210
        // for the 2 s (the run also lasts its callers' last calls, so it is measured).
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = Counter(10, TimeSpan.FromMilliseconds(100));

        var (granted, _, elapsed) = await kit.RunLoadAsync(counter, callers: 4, duration: TimeSpan.FromSeconds(2));

        // The upper bound is the limit's promise. The lower one only shows the window slides (more than one window's
        // worth over the run): how much more depends on how often the callers get the CPU, which on a machine busier
        // than its cores fell to 104 (each refused caller comes back a timer tick late, later still under load).
        Assert.InRange(granted, 11, 10 * FixedWindowLimitTests.WindowsTouched(elapsed, TimeSpan.FromMilliseconds(100)));
    }
}
