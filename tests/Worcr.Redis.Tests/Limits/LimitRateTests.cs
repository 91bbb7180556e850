using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

/// <summary>Timing-sensitive tests run alone, so other tests of this project do not steal their CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LimitTimingCollection
{
    public const string Name = "Limit timing";
}

/// <summary>A token bucket run for real against the Redis clock, with a few concurrent callers.</summary>
[Collection(LimitTimingCollection.Name)]
public sealed class LimitRateTests
{
    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task At_100_per_second_with_a_burst_of_100_ten_seconds_grant_1100_within_5_percent(RedisKind kind)
    {
        const long burst = 100;
        const double perSecond = 100;
        await using var kit = await LimitTestKit.StartAsync(kind);
        var counter = new LimitCounter("api:" + Guid.NewGuid().ToString("N"), "tb-test", LimitKind.TokenBucket, 100, TimeSpan.FromSeconds(1), burst);

        // Each call takes every free token (up to 100): tokens are lost only when the bucket sits full, i.e. when no
        // call reaches Redis for a whole second. Smaller bursts made the test measure how often a busy machine's
        // round trips stall for a fifth of a second, not the limiter.
        var run = await kit.RunLoadAsync(counter, callers: 4, duration: TimeSpan.FromSeconds(10), unitsPerCall: 100);
        var calls = run.ByCaller.SelectMany(c => c).ToList();

        // The bucket grants the burst plus 100 a second between its first call and its last, less what it drops while
        // full. The client knows those moments only within its calls: the first call ran before the first answer came
        // back and the last after the last call was sent, and all of them within the run. On a quiet machine the
        // bounds are both 10 s and 1,100; on a loaded one the answers come back late and the stalls are long, and
        // the bounds below follow what the client measured instead of assuming its calls ran on time.
        var atMost = burst + (perSecond * run.Elapsed.TotalSeconds);
        var atLeast = burst + (perSecond * (calls.Max(c => c.Sent) - calls.Min(c => c.Answered)).TotalSeconds);
        Assert.InRange(run.Granted, (atLeast * 0.95) - DroppedAtMost(run.ByCaller, burst, perSecond), atMost * 1.05);
    }

    /// <summary>
    /// The most tokens the bucket can have dropped while full, from the calls that found it full (got the whole burst):
    /// such a call came after a gap in which no call reached Redis, no longer than from the caller's own previous
    /// call's sending (or the run's start) to its answer, and the bucket drops what that gap refills past the burst
    /// (plus under one token it held). Zero unless the callers stalled for a second: never on a quiet machine.
    /// </summary>
    private static double DroppedAtMost(IReadOnlyList<IReadOnlyList<LoadCall>> byCaller, long burst, double perSecond)
    {
        var dropped = 0.0;
        foreach (var calls in byCaller)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                if (calls[i].Granted != burst) continue;
                var gap = calls[i].Answered - (i == 0 ? TimeSpan.Zero : calls[i - 1].Sent);
                dropped += Math.Max(0, (perSecond * gap.TotalSeconds) + 1 - burst);
            }
        }
        return dropped;
    }
}
