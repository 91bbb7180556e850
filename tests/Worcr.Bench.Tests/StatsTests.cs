using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

public sealed class StatsTests
{
    private static readonly double[] OneToHundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

    [Theory]
    [InlineData(50, 50)]
    [InlineData(95, 95)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    public void Nearest_rank_percentile_of_one_to_hundred_is_the_rank_itself(double percent, double expected) =>
        Assert.Equal(expected, Stats.Percentile(OneToHundred, percent));

    [Fact]
    public void P99_of_a_small_sample_is_its_maximum_not_an_interpolation()
    {
        double[] sorted = [1, 2, 3, 4, 1000];
        Assert.Equal(1000, Stats.Percentile(sorted, 99));
    }

    [Fact]
    public void Percentile_of_no_values_is_refused() =>
        Assert.Throws<ArgumentException>(() => Stats.Percentile([], 50));

    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value_whatever_the_order() =>
        Assert.Equal(5, Stats.Median([9, 1, 5]));

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_two_middle_values() =>
        Assert.Equal(2.5, Stats.Median([4, 1, 3, 2]));
}
