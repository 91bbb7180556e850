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

    private static JobEvent Checkpoint(string name, string value) => new() { JobId = "1", Checkpoint = new CheckpointSaved { Name = name, Value = value } };

    [Fact]
    public async Task A_worker_flooding_checkpoints_and_state_changes_leaves_a_browser_that_reads_nothing_a_bounded_buffer()
    {
        // What a worker may send for one job: a checkpoint saved in a loop (up to 64 KiB each; 1 KiB here), and a yield
        // after every claim. The browser's connection is open but it reads nothing.
        var buffer = new JobEventBuffer();
        var value = new string('v', 1024);
        const int rounds = 5_000;
        for (var attempt = 1; attempt <= rounds; attempt++)
        {
            buffer.Offer(Checkpoint("step", value + attempt));
            buffer.Offer(new JobEvent { JobId = "1", StateChanged = new StateChanged { State = JobState.Running, Attempt = attempt } });
            buffer.Offer(new JobEvent { JobId = "1", StateChanged = new StateChanged { State = JobState.Waiting, Attempt = attempt } });
        }

        var taken = await buffer.TakeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.True(taken.Count <= JobEventBuffer.Capacity, $"{taken.Count} events ({taken.Sum(e => (long)e.CalculateSize())} bytes) waited for one browser");
        Assert.Equal(value + rounds, Assert.Single(taken, e => e.Checkpoint is not null).Checkpoint.Value);
        Assert.Equal((JobState.Waiting, rounds), (taken[^1].StateChanged.State, taken[^1].StateChanged.Attempt));
        Assert.Equal(0, buffer.DroppedLogs);
    }

    [Fact]
    public async Task A_newer_checkpoint_value_replaces_the_queued_one_and_other_names_stay()
    {
        var buffer = new JobEventBuffer();
        buffer.Offer(Checkpoint("step", "one"));
        buffer.Offer(Checkpoint("cursor", "a"));
        buffer.Offer(Checkpoint("step", "two"));

        var taken = await buffer.TakeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(["cursor=a", "step=two"], taken.Select(e => $"{e.Checkpoint.Name}={e.Checkpoint.Value}"));
    }

    [Fact]
    public async Task Taking_from_an_empty_buffer_returns_nothing_after_the_patience()
    {
        var buffer = new JobEventBuffer();

        var taken = await buffer.TakeAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.Empty(taken);
    }
}
