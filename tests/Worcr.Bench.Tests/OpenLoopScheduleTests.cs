using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

public sealed class OpenLoopScheduleTests
{
    [Fact]
    public void Calls_are_due_at_fixed_intervals_from_the_start()
    {
        var schedule = new OpenLoopSchedule(ratePerSecond: 200, startUnixMs: 1000);
        Assert.Equal(1000, schedule.DueMs(0));
        Assert.Equal(1005, schedule.DueMs(1));
        Assert.Equal(1000 + 999 * 5, schedule.DueMs(999), precision: 6);
    }

    [Fact]
    public async Task Late_call_is_sent_at_once_so_the_schedule_never_slips()
    {
        // Due an hour ago: waiting must return without delay; a Task.Delay of the lateness would hang the test.
        var schedule = new OpenLoopSchedule(ratePerSecond: 1, startUnixMs: BenchClock.NowMs() - 3_600_000);
        var wait = schedule.WaitUntilDueAsync(0, CancellationToken.None);
        Assert.True(wait.IsCompleted);
        await wait;
    }

    [Fact]
    public void Zero_rate_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, 0));
}
