using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>A stream's renewal off its read loop (<see cref="CoalescedRenewal"/>), without I/O.</summary>
public sealed class CoalescedRenewalTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_while_a_renewal_runs_are_covered_by_one_more_renewal_after_it()
    {
        using var stop = new CancellationTokenSource();
        var runs = new List<TaskCompletionSource>();
        var started = new SemaphoreSlim(0);
        var renewal = new CoalescedRenewal(_ =>
        {
            var run = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (runs) runs.Add(run);
            started.Release();
            return run.Task;
        }, exception => Assert.Fail(exception.ToString()), stop.Token);

        renewal.Request();
        Assert.True(await started.WaitAsync(Patience), "the first request started no renewal");
        for (var i = 0; i < 10; i++) renewal.Request();
        lock (runs) runs[0].SetResult();
        Assert.True(await started.WaitAsync(Patience), "the requests made during the first renewal started none after it");
        lock (runs) runs[1].SetResult();
        await renewal.Running.WaitAsync(Patience);

        Assert.Equal(2, runs.Count);
        // Once nothing runs, the next request starts a renewal of its own.
        renewal.Request();
        Assert.True(await started.WaitAsync(Patience), "a request after the renewals ended started none");
        lock (runs) runs[2].SetResult();
        await renewal.Running.WaitAsync(Patience);
        Assert.Equal(3, runs.Count);
    }

    [Fact]
    public async Task A_renewal_that_throws_is_reported_once_and_none_runs_after_it()
    {
        using var stop = new CancellationTokenSource();
        var faults = new List<Exception>();
        var runs = 0;
        var renewal = new CoalescedRenewal(_ =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("the id was taken");
        }, faults.Add, stop.Token);

        renewal.Request();
        await renewal.Running.WaitAsync(Patience);
        renewal.Request();
        await renewal.Running.WaitAsync(Patience);

        Assert.Equal(1, runs);
        Assert.Equal("the id was taken", Assert.Single(faults).Message);
    }

    [Fact]
    public async Task The_streams_end_cancels_the_renewal_under_way_without_a_fault_and_starts_none_after()
    {
        using var stop = new CancellationTokenSource();
        var faults = new List<Exception>();
        var runs = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var renewal = new CoalescedRenewal(async token =>
        {
            Interlocked.Increment(ref runs);
            started.TrySetResult();
            // Held as a partition holds it: until the stream's end cancels it.
            await new TaskCompletionSource().Task.WaitAsync(token);
        }, faults.Add, stop.Token);

        renewal.Request();
        await started.Task.WaitAsync(Patience);
        renewal.Request();
        await stop.CancelAsync();
        await renewal.Running.WaitAsync(Patience);
        renewal.Request();
        await renewal.Running.WaitAsync(Patience);

        Assert.Equal(1, runs);
        Assert.Empty(faults);
    }
}
