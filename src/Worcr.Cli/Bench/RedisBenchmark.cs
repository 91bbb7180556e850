using System.Diagnostics;
using Worcr.Redis;
using Worcr.Redis.Limits;

namespace Worcr.Cli.Bench;

/// <summary>
/// The Redis scripts a node runs most, each from many concurrent callers on one connection for a quarter of the run:
/// token-bucket acquires (one script each), concurrency acquire-then-release pairs (two scripts each), presence
/// heartbeats one entry per call (four info fields), and heartbeats as a node sends them, <see cref="BeatsPerCall"/>
/// workers per call. Every call is a real round trip to Redis.
/// </summary>
internal sealed class RedisBenchmark(int callers, TimeSpan duration)
{
    private const int Counters = 16;
    private const int BeatsPerCall = 16;

    /// <summary>
    /// Uncounted load before each figure, until the code path is compiled at its final tier: a node runs these calls
    /// for days, and with one warm-up call the figures measured mostly the JIT's tiering (up to 1.7× the CPU per call).
    /// </summary>
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    public JsonLine Parameters => new JsonLine().Add("system", "worcr").Add("workload", "redis")
        .Add("callers", callers).Add("seconds", duration.TotalSeconds);

    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(string redisUrl)
    {
        var options = new RedisOptions { Url = redisUrl, KeyPrefix = $"worcr-bench-redis-{Guid.NewGuid():N}:", CommandTimeout = TimeSpan.FromSeconds(30) };
        await using var connection = await RedisConnection.ConnectAsync(options);
        var limiter = new RedisLimiter(connection, options.KeyPrefix);
        var presence = new PresenceRegistry(connection, options.KeyPrefix);
        var share = duration / 4;
        var buckets = Enumerable.Range(0, Counters)
            .Select(i => new LimitCounter($"bench:{i}", "tb", LimitKind.TokenBucket, 1_000_000_000, TimeSpan.FromSeconds(1))).ToArray();
        var slots = Enumerable.Range(0, Counters)
            .Select(i => new LimitCounter($"bench:{i}", "cc", LimitKind.Concurrency, 1_000_000, TimeSpan.Zero)).ToArray();
        var info = new Dictionary<string, string> { ["node"] = "bench-node", ["capacity"] = "64", ["tags"] = "gpu,eu", ["version"] = "1" };
        var lease = TimeSpan.FromMinutes(1);
        var figures = new Dictionary<string, double>();
        await MeasureAsync(figures, "token_bucket_acquires", share, (caller, n) =>
            limiter.AcquireAsync(buckets[(caller + n) % Counters], 1, allOrNothing: true));
        await MeasureAsync(figures, "concurrency_acquire_release_pairs", share, async (caller, n) =>
        {
            var counter = slots[(caller + n) % Counters];
            string[] holder = [$"job-{caller}-{n}"];
            await limiter.AcquireHoldersAsync(counter, holder, lease);
            await limiter.SettleHoldersAsync(counter, holder, [], lease);
        });
        await MeasureAsync(figures, "heartbeats", share, (caller, _) =>
            presence.HeartbeatAsync("worker", $"bench-worker-{caller}", info, lease));
        var batches = Enumerable.Range(0, callers)
            .Select(caller => Enumerable.Range(0, BeatsPerCall).Select(i => new PresenceBeat($"bench-worker-{caller}-{i}", info)).ToArray()).ToArray();
        await MeasureAsync(figures, "batched_heartbeats", share, (caller, _) => presence.HeartbeatAsync("worker", batches[caller], lease), BeatsPerCall);
        return figures;
    }

    /// <summary>
    /// Adds NAME_per_s (operations per second of <paramref name="callers"/> loops) and NAME_client_cpu_us (this
    /// process's CPU time per operation, steadier than the rate on a shared machine), after <see cref="Warmup"/>.
    /// A call that does <paramref name="operationsPerCall"/> operations counts as that many.
    /// </summary>
    private async Task MeasureAsync(Dictionary<string, double> figures, string name, TimeSpan share, Func<int, long, Task> operation,
        int operationsPerCall = 1)
    {
        await RunCallersAsync(Warmup, operation);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var calls = await RunCallersAsync(share, operation);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        figures[name + "_per_s"] = calls.PerSecond * operationsPerCall;
        figures[name + "_client_cpu_us"] = cpu.TotalMicroseconds / (calls.Count * operationsPerCall);
    }

    private async Task<(long Count, double PerSecond)> RunCallersAsync(TimeSpan share, Func<int, long, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            long count = 0;
            while (clock.Elapsed < share) await operation(caller, ++count);
            return count;
        }));
        return (counts.Sum(), counts.Sum() / clock.Elapsed.TotalSeconds);
    }
}
