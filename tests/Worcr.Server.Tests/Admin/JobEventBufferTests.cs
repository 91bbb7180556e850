using Worcr.Admin;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Admin;

/// <summary>The bounded buffer between the event hub and one slow browser.</summary>
public sealed class JobEventBufferTests
{
    private static JobEvent Progress(string name, long current) => new() { JobId = "1", Progress = new ProgressCounter { Name = name, Current = current } };

    private static JobEvent Log(string text) => new() { JobId = "1", Log = new LogLine { Text = text } };

    private static JobEvent State(JobState state) => new() { JobId = "1", StateChanged = new StateChanged { State = state, Attempt = 1 } };

    [Fact]
    public async Task A_newer_value_of_a_counter_replaces_the_queued_one_at_the_end()
    {
        var buffer = new JobEventBuffer();
        buffer.Offer(Progress("rows", 1));
        buffer.Offer(Log("between"));
        buffer.Offer(Progress("rows", 2));

        var taken = await buffer.TakeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(["between", "rows=2"], taken.Select(e => e.Log is { } log ? log.Text : $"{e.Progress.Name}={e.Progress.Current}"));
    }

    [Fact]
    public async Task When_full_the_oldest_progress_goes_first_then_the_oldest_logs_and_states_are_never_dropped()
    {
        var buffer = new JobEventBuffer();
        buffer.Offer(State(JobState.Running));
        buffer.Offer(Progress("first", 1));
        for (var i = 0; i < JobEventBuffer.Capacity; i++) buffer.Offer(Log($"line {i}"));
        buffer.Offer(State(JobState.Completed));

        var taken = await buffer.TakeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.DoesNotContain(taken, e => e.Progress is not null);
        Assert.Equal(JobState.Running, taken[0].StateChanged.State);
        Assert.Equal(JobState.Completed, taken[^1].StateChanged.State);
        Assert.Equal(2, buffer.DroppedLogs);
        Assert.Equal("line 2", taken[1].Log.Text);
        Assert.Equal(JobEventBuffer.Capacity, taken.Count);
    }

    [Fact]
    public async Task Taking_from_an_empty_buffer_returns_nothing_after_the_patience()
    {
        var buffer = new JobEventBuffer();

        var taken = await buffer.TakeAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.Empty(taken);
    }
}
