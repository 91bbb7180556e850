using Worcr.Core.Dispatch;

namespace Worcr.Core.Tests.Dispatch;

public sealed class WallDeadlineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly WallDeadline InFiveSeconds = WallDeadline.After(T0, TimeSpan.FromSeconds(5));

    [Fact]
    public void A_deadline_is_due_when_its_time_comes_and_not_before()
    {
        Assert.False(InFiveSeconds.IsDue(T0.AddSeconds(4.999)));
        Assert.Equal(TimeSpan.FromSeconds(1), InFiveSeconds.Remaining(T0.AddSeconds(4)));
        Assert.True(InFiveSeconds.IsDue(T0.AddSeconds(5)));
        Assert.Equal(TimeSpan.Zero, InFiveSeconds.Remaining(T0.AddSeconds(6)));
    }

    [Fact]
    public void A_wall_clock_stepped_back_makes_it_due_instead_of_adding_the_step_to_the_wait()
    {
        Assert.True(InFiveSeconds.IsDue(T0.AddHours(-1)));
        Assert.Equal(TimeSpan.Zero, InFiveSeconds.Remaining(T0.AddHours(-1)));
        // Read at T0 + 3 s, then stepped back 2 s (to T0 + 1 s): 4 s left, within its span, so still waiting.
        Assert.False(InFiveSeconds.IsDue(T0.AddSeconds(1)));
        // Stepped back to before it was set: more than its span ahead, so due.
        Assert.True(InFiveSeconds.IsDue(T0.AddSeconds(-0.001)));
    }

    [Fact]
    public void A_deadline_of_no_span_is_due_at_once()
    {
        Assert.True(WallDeadline.After(T0, TimeSpan.Zero).IsDue(T0));
        Assert.True(WallDeadline.After(T0, TimeSpan.Zero).IsDue(T0.AddSeconds(-1)));
    }
}
