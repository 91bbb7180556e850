namespace Worcr.Redis.Tests;

public sealed class RedisBenchmarksTests
{
    [Fact]
    public async Task Pipelined_get_benchmark_reports_a_positive_rate()
    {
        var rate = await RedisBenchmarks.MeasurePipelinedGetsPerSecondAsync(await Servers.SharedAsync(), callers: 4, TimeSpan.FromMilliseconds(200));

        Assert.True(rate > 0, $"rate was {rate}");
    }
}
