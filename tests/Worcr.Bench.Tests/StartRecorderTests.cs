using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

public sealed class StartRecorderTests
{
    [Fact]
    public async Task Expected_count_signals_once_every_job_finished()
    {
        var recorder = new StartRecorder(expected: 3);
        recorder.Started("1", 1);
        recorder.Finished(2);
        recorder.Started("2", 3);
        recorder.Finished(4);
        Assert.False(recorder.ExpectedReached.IsCompleted);

        recorder.Started("3", 5);
        recorder.Finished(6);

        await recorder.ExpectedReached.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Last_completion_is_the_latest_even_when_finishes_arrive_out_of_order()
    {
        var recorder = new StartRecorder(expected: null);
        recorder.Finished(50);
        recorder.Finished(20);
        Assert.Equal(50, recorder.ToReport().LastCompletionMs);
    }

    [Fact]
    public async Task Concurrent_handlers_lose_no_start()
    {
        var recorder = new StartRecorder(expected: 400);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                recorder.Started($"{thread}-{i}", i);
                recorder.Finished(i);
            }
        })));
        await recorder.ExpectedReached.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(400, recorder.ToReport().Starts.Select(s => s.JobId).Distinct().Count());
    }
}
