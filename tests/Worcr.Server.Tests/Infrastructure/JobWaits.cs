using Worcr.Protocol.V1;
using Worcr.Worker;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Waits for a job to reach a state by watching it (Jobs.Watch sends the stored state, then every change), and
/// returns the job as read once a change to that state was announced. The job's row is the truth a test asserts on:
/// an event is only the signal to read it.
/// </summary>
internal static class JobWaits
{
    public static async Task<Job> WaitForStateAsync(this WorcrClient client, string jobId, JobState state, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await foreach (var jobEvent in client.WatchAsync([jobId], deadline.Token))
            {
                if (jobEvent.StateChanged?.State != state) continue;
                var job = await client.GetAsync(jobId, deadline.Token);
                if (job.State == state) return job;
            }
        }
        catch (Exception exception) when (deadline.IsCancellationRequested && exception is OperationCanceledException or WorcrNodeException)
        {
            // Timed out: say where the job is instead.
        }
        // The watch ended (the job finished in another state) or timed out: one last read says which.
        var last = await client.GetAsync(jobId);
        if (last.State == state) return last;
        throw new TimeoutException($"Job {jobId} is {last.State} (attempt {last.Attempt}, error '{last.LastError}'), not {state}.");
    }

    /// <summary>
    /// Waits until the job's numeric checkpoint <paramref name="name"/> is at least <paramref name="atLeast"/> and
    /// returns its value: the stored value once the watch is open (so nothing saved before is missed), then each
    /// checkpoint event as the worker saves it.
    /// </summary>
    public static async Task<int> WaitForCheckpointAsync(this WorcrClient client, string jobId, string name, int atLeast, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await using var events = client.WatchAsync([jobId], deadline.Token).GetAsyncEnumerator(deadline.Token);
        if (!await events.MoveNextAsync()) throw new InvalidOperationException($"The watch of job {jobId} ended at once.");
        var stored = await client.GetAsync(jobId, deadline.Token);
        if (stored.Checkpoints.TryGetValue(name, out var value) && Number(value) >= atLeast) return Number(value);
        while (await events.MoveNextAsync())
        {
            if (events.Current.Checkpoint is { } checkpoint && checkpoint.Name == name && Number(checkpoint.Value) >= atLeast) return Number(checkpoint.Value);
        }
        throw new InvalidOperationException($"Job {jobId} finished before its checkpoint '{name}' reached {atLeast}.");
    }

    private static int Number(string value) => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
