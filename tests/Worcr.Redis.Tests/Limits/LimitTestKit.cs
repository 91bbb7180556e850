using System.Diagnostics;
using Worcr.Redis.Limits;

namespace Worcr.Redis.Tests.Limits;

/// <summary>A limiter on the shared test Redis with a key prefix of its own, and a load of concurrent callers.</summary>
internal sealed class LimitTestKit : IAsyncDisposable
{
    private LimitTestKit(RedisConnection connection, RedisOptions options)
    {
        Connection = connection;
        Options = options;
        Limiter = new RedisLimiter(connection, options.KeyPrefix);
    }

    public RedisConnection Connection { get; }

    public RedisOptions Options { get; }

    public RedisLimiter Limiter { get; }

    public static async Task<LimitTestKit> StartAsync(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        return new LimitTestKit(await RedisConnection.ConnectAsync(options), options);
    }

    /// <summary>Milliseconds to live of every key the counter uses (-2: missing, -1: no TTL).</summary>
    public async Task<long[]> TimesToLiveAsync(LimitCounter counter)
    {
        var keys = Limiter.KeysOf(counter);
        var ttls = new long[keys.Count];
        for (var i = 0; i < keys.Count; i++) ttls[i] = (long)await Connection.Database.ExecuteAsync("PTTL", keys[i]);
        return ttls;
    }

    /// <summary>
    /// <paramref name="callers"/> clients take one unit at a time (or up to <paramref name="unitsPerCall"/>, as many as
    /// are free) for <paramref name="duration"/>; a refused client
    /// comes back after the retry_after it was given, as a real client would. Returns the units granted, in all
    /// and by the grants' ticket (the window, for a fixed window).
    /// </summary>
    public async Task<LoadResult> RunLoadAsync(LimitCounter counter, int callers, TimeSpan duration, long unitsPerCall = 1)
    {
        // A throwaway counter of the same kind first, so loading the script and compiling the code path happen
        // before the clock starts: the run measures the limiter, not a cold start.
        await Limiter.AcquireAsync(counter with { Key = counter.Key + ":warm-up" }, 1, allOrNothing: true);
        var clock = Stopwatch.StartNew();
        var granted = 0L;
        var byTicket = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
        async Task<List<LoadCall>> CallerAsync()
        {
            var calls = new List<LoadCall>();
            while (clock.Elapsed < duration)
            {
                var sent = clock.Elapsed;
                var grant = await Limiter.AcquireAsync(counter, unitsPerCall, allOrNothing: unitsPerCall == 1);
                calls.Add(new LoadCall(sent, clock.Elapsed, grant.Granted));
                if (grant.Granted > 0)
                {
                    Interlocked.Add(ref granted, grant.Granted);
                    byTicket.AddOrUpdate(grant.Ticket, grant.Granted, (_, sum) => sum + grant.Granted);
                }
                // Pacing the load by the limiter's own answer, not synchronising the test.
                else await Task.Delay(grant.RetryAfter);
            }
            return calls;
        }
        var byCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync)));
        return new LoadResult(granted, byTicket, clock.Elapsed) { ByCaller = byCaller };
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>What a load run got: units granted, by ticket, and how long the callers ran (the last one's last call included).</summary>
internal sealed record LoadResult(long Granted, IReadOnlyDictionary<long, long> ByTicket, TimeSpan Elapsed)
{
    /// <summary>Each caller's calls, in its order.</summary>
    public IReadOnlyList<IReadOnlyList<LoadCall>> ByCaller { get; init; } = [];
}

/// <summary>
/// One call of a load run: when it was sent and when its answer was back, on the run's clock, and what it got. The
/// server ran it somewhere between the two.
/// </summary>
internal sealed record LoadCall(TimeSpan Sent, TimeSpan Answered, long Granted);
