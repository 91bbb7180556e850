using System.Collections.Concurrent;

namespace Worcr.Cli.Bench;

/// <summary>
/// The bench jobs' simulated work: sleeps that last what they say. <c>Task.Delay</c> ends on the runtime's timer
/// tick, about 2 ms late on this platform (a 2 ms delay took 4.0 ms, a 10 ms one 12.0), which made the fairness
/// workload's "2 ms jobs" 4 ms jobs for the .NET worker and halved its ceiling. Here as many dedicated threads as the
/// worker runs jobs at once each sleep in the kernel (2.09 ms for 2 ms, like the peers' <c>setTimeout</c>) and then
/// complete the waiting handler. The threads are background threads that live as long as the worker process.
/// </summary>
internal sealed class JobSleeper
{
    private readonly BlockingCollection<(TimeSpan Length, TaskCompletionSource Done)> _requests = new();

    public JobSleeper(int threads)
    {
        for (var i = 0; i < threads; i++) new Thread(Serve) { IsBackground = true, Name = $"job-sleeper-{i}" }.Start();
    }

    public Task SleepAsync(TimeSpan length)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((length, done));
        return done.Task;
    }

    private void Serve()
    {
        foreach (var (length, done) in _requests.GetConsumingEnumerable())
        {
            Thread.Sleep(length);
            done.SetResult();
        }
    }
}
