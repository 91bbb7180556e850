using Worcr.Core.Retries;

namespace Worcr.Core.Tests.Retries;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    private static RetryBackoff WithRandom(double value) => new(Base, Max, () => value);

    [Fact]
    public void The_first_retry_waits_between_half_the_base_delay_and_the_base_delay()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), WithRandom(0).DelayAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(1), WithRandom(1).DelayAfter(1));
    }

    [Fact]
    public void The_jitter_lands_inside_the_bounds_in_proportion_to_the_random_value()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(750), WithRandom(0.5).DelayAfter(1));
    }

    [Fact]
    public void Each_failure_doubles_the_ceiling()
    {
        var backoff = WithRandom(1);

        Assert.Equal(TimeSpan.FromSeconds(2), backoff.DelayAfter(2));
        Assert.Equal(TimeSpan.FromSeconds(4), backoff.DelayAfter(3));
        Assert.Equal(TimeSpan.FromSeconds(8), backoff.DelayAfter(4));
    }

    [Fact]
    public void The_ceiling_stops_at_the_maximum_delay()
    {
        Assert.Equal(Max, WithRandom(1).DelayAfter(7));
        Assert.Equal(Max, WithRandom(1).DelayAfter(1000));
        Assert.Equal(Max / 2, WithRandom(0).DelayAfter(int.MaxValue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_failure_count_of_zero_or_less_is_treated_as_the_first_failure(int failures)
    {
        Assert.Equal(WithRandom(1).DelayAfter(1), WithRandom(1).DelayAfter(failures));
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(2.0)]
    public void A_random_source_outside_zero_to_one_cannot_push_the_delay_out_of_bounds(double random)
    {
        var delay = WithRandom(random).DelayAfter(1);

        Assert.InRange(delay, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Without_an_injected_source_delays_stay_within_bounds()
    {
        var backoff = new RetryBackoff(Base, Max);

        for (var i = 0; i < 100; i++) Assert.InRange(backoff.DelayAfter(3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void A_zero_base_delay_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.Zero, Max));
        Assert.Equal("baseDelay", error.ParamName);
    }

    [Fact]
    public void A_negative_base_delay_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.FromSeconds(-1), Max));
    }

    [Fact]
    public void A_maximum_shorter_than_the_base_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(Max, Base));
        Assert.Equal("maxDelay", error.ParamName);
    }

    [Fact]
    public void A_maximum_equal_to_the_base_is_allowed_and_never_grows()
    {
        var backoff = new RetryBackoff(Base, Base, () => 1);

        Assert.Equal(Base, backoff.DelayAfter(10));
    }

    [Fact]
    public void Without_jitter_the_delays_are_the_ceilings_whatever_the_random_source_says()
    {
        var backoff = new RetryBackoff(Base, Max, () => 0, jitter: 0);

        Assert.Equal([Base, 2 * Base, 4 * Base], [backoff.DelayAfter(1), backoff.DelayAfter(2), backoff.DelayAfter(3)]);
    }

    [Fact]
    public void A_small_jitter_keeps_the_delay_close_to_the_ceiling()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(800), new RetryBackoff(Base, Max, () => 0, jitter: 0.2).DelayAfter(1));
        Assert.Equal(Base, new RetryBackoff(Base, Max, () => 1, jitter: 0.2).DelayAfter(1));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void A_jitter_outside_zero_to_one_is_rejected(double jitter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(Base, Max, jitter: jitter));
        Assert.Equal("jitter", error.ParamName);
    }
}
