using Worcr.Protocol.V1;
using Worcr.Worker;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Waits for a job to reach a state by reading it from the node until it does (or the timeout passes).
/// The job's row is the truth a test asserts on, so the wait reads that truth rather than guessing a delay.
/// </summary>
internal static class JobWaits
{
    public static async Task<Job> WaitForStateAsync(this WorcrClient client, string jobId, JobState state, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        Job job;
        while (true)
        {
            job = await client.GetAsync(jobId, deadline.Token);
            if (job.State == state) return job;
            if (deadline.IsCancellationRequested) break;
            await Task.Delay(20, CancellationToken.None);
        }
        throw new TimeoutException($"Job {jobId} is {job.State} (attempt {job.Attempt}, error '{job.LastError}'), not {state}.");
    }
}
