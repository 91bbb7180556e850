using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Dispatch;

public sealed class RoundSignalTests
{
    [Fact]
    public async Task The_next_round_completes_on_the_raise_after_the_call_not_on_an_earlier_one()
    {
        var signal = new RoundSignal();
        signal.Raise();
        var next = signal.NextAsync();

        Assert.False(next.IsCompleted);
        signal.Raise();
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, signal.Rounds);
    }

    [Fact]
    public async Task Waiting_ends_at_the_first_round_after_which_the_condition_holds()
    {
        var signal = new RoundSignal();
        var state = 0;
        var waiting = signal.WaitUntilAsync(() => Volatile.Read(ref state) == 2, TimeSpan.FromSeconds(10), "state 2");

        Volatile.Write(ref state, 1);
        signal.Raise();
        Assert.False(waiting.IsCompleted);
        Volatile.Write(ref state, 2);
        // The waiter may still be between its check and its next wait: keep finishing rounds until it has seen state 2.
        while (!waiting.IsCompleted) { signal.Raise(); await Task.Yield(); }
        await waiting;
    }

    [Fact]
    public async Task A_condition_that_never_holds_times_out_naming_what_was_awaited()
    {
        var signal = new RoundSignal();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => signal.WaitUntilAsync(() => false, TimeSpan.FromMilliseconds(50), "the impossible"));

        Assert.Contains("the impossible", error.Message, StringComparison.Ordinal);
    }
}
