using Worcr.Core.Caching;
using Worcr.Testing;

namespace Worcr.Core.Tests.Caching;

public sealed class AgeStampTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    [Fact]
    public void An_age_is_the_time_passed_when_both_clocks_agree()
    {
        var clock = new SteppedClock();
        var stamp = AgeStamp.Now(clock);

        clock.Pass(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), stamp.Age(clock));
        Assert.True(stamp.IsYoungerThan(Limit, clock));
        clock.Pass(TimeSpan.FromMilliseconds(500));
        Assert.False(stamp.IsYoungerThan(Limit, clock));
    }

    [Fact]
    public void A_wall_clock_stepped_back_does_not_make_a_stamp_younger()
    {
        var clock = new SteppedClock();
        var stamp = AgeStamp.Now(clock);

        clock.Pass(TimeSpan.FromSeconds(1));
        clock.StepWallBack(TimeSpan.FromHours(1));
        clock.Pass(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(3), stamp.Age(clock));
        Assert.False(stamp.IsYoungerThan(Limit, clock));
    }

    [Fact]
    public void A_suspended_host_ages_a_stamp_by_the_time_it_slept()
    {
        var clock = new SteppedClock();
        var stamp = AgeStamp.Now(clock);

        clock.Suspend(TimeSpan.FromHours(8));

        Assert.Equal(TimeSpan.FromHours(8), stamp.Age(clock));
        Assert.False(stamp.IsYoungerThan(Limit, clock));
    }

    [Fact]
    public void A_stamp_never_taken_is_older_than_any_limit()
    {
        Assert.False(default(AgeStamp).IsYoungerThan(TimeSpan.MaxValue, new SteppedClock()));
    }
}
