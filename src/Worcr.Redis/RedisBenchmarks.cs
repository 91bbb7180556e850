using System.Diagnostics;

namespace Worcr.Redis;

/// <summary>Measurements for <c>worcr bench</c>.</summary>
public static class RedisBenchmarks
{
    /// <summary>GETs per second that <paramref name="callers"/> concurrent callers reach on one pipelined connection.</summary>
    public static async Task<double> MeasurePipelinedGetsPerSecondAsync(RedisOptions options, int callers, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        await using var connection = await RedisConnection.ConnectAsync(options);
        var key = options.KeyPrefix + "bench:get";
        await connection.ExecuteAsync("SET", key, "value");
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => RunCallerAsync(connection, key, clock, duration)));
        var elapsed = clock.Elapsed;
        await connection.ExecuteAsync("DEL", key);
        return counts.Sum() / elapsed.TotalSeconds;
    }

    private static async Task<long> RunCallerAsync(RedisConnection connection, string key, Stopwatch clock, TimeSpan duration)
    {
        long count = 0;
        while (clock.Elapsed < duration)
        {
            await connection.ExecuteAsync("GET", key);
            count++;
        }
        return count;
    }
}
