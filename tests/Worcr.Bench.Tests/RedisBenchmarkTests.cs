using Worcr.Cli.Bench;
using Worcr.Testing;

namespace Worcr.Bench.Tests;

public sealed class RedisBenchmarkTests
{
    [Fact]
    [Trait(TestTier.Name, TestTier.Integration)]
    public async Task Redis_benchmark_reports_a_positive_rate_and_cpu_cost_for_every_script()
    {
        var figures = await new RedisBenchmark(callers: 4, TimeSpan.FromMilliseconds(300)).RunOnceAsync(await TestServices.RedisAsync());

        Assert.Equal(
            ["batched_heartbeats_client_cpu_us", "batched_heartbeats_per_s", "concurrency_acquire_release_pairs_client_cpu_us", "concurrency_acquire_release_pairs_per_s", "heartbeats_client_cpu_us", "heartbeats_per_s",
             "token_bucket_acquires_client_cpu_us", "token_bucket_acquires_per_s"],
            figures.Keys.Order(StringComparer.Ordinal));
        Assert.All(figures, figure => Assert.True(figure.Value > 0, $"{figure.Key} = {figure.Value}"));
    }
}
