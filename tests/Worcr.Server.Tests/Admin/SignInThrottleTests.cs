using Worcr.Admin;

namespace Worcr.Server.Tests.Admin;

/// <summary>Failed sign-ins are answered later and later per client address, and forgiven on success or with time.</summary>
public sealed class SignInThrottleTests
{
    [Fact]
    public void Delay_doubles_with_each_failure_up_to_five_seconds()
    {
        var throttle = new SignInThrottle(new ManualClock());

        var delays = Enumerable.Range(0, 8).Select(_ => throttle.DelayAfterFailure("10.0.0.1").TotalMilliseconds).ToArray();

        Assert.Equal([250, 500, 1000, 2000, 4000, 5000, 5000, 5000], delays);
    }

    [Fact]
    public void Clients_are_counted_apart_and_a_success_starts_over()
    {
        var throttle = new SignInThrottle(new ManualClock());
        throttle.DelayAfterFailure("10.0.0.1");
        throttle.DelayAfterFailure("10.0.0.1");

        var other = throttle.DelayAfterFailure("10.0.0.2");
        throttle.Succeeded("10.0.0.1");
        var afterSuccess = throttle.DelayAfterFailure("10.0.0.1");

        Assert.Equal(TimeSpan.FromMilliseconds(250), other);
        Assert.Equal(TimeSpan.FromMilliseconds(250), afterSuccess);
    }

    [Fact]
    public void Failures_are_forgotten_after_a_quiet_quarter_hour()
    {
        var clock = new ManualClock();
        var throttle = new SignInThrottle(clock);
        throttle.DelayAfterFailure("10.0.0.1");
        throttle.DelayAfterFailure("10.0.0.1");

        clock.Advance(TimeSpan.FromMinutes(16));

        Assert.Equal(TimeSpan.FromMilliseconds(250), throttle.DelayAfterFailure("10.0.0.1"));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
