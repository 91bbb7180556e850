using System.Globalization;
using Worcr.Worker;

/// <summary>The args of demo.count: count to <paramref name="N"/>.</summary>
internal sealed record CountArgs(int N);

/// <summary>
/// Counts to args.n, one step at a time, saving a checkpoint after each step so a retry resumes where it stopped.
/// Resolved from the container for each attempt, as any IJobHandler is.
/// </summary>
internal sealed class CountHandler : IJobHandler<CountArgs>
{
    public async Task<JobResult> HandleAsync(CountArgs args, IJobContext job, CancellationToken cancellationToken)
    {
        var start = job.Checkpoints.TryGetValue("step", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
        if (start > 0)
        {
            job.Log("info", $"resuming at step {start} of {args.N} (attempt {job.Attempt})");
        }

        for (var step = start + 1; step <= args.N; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await job.ProgressAsync("steps", step, args.N);
            await job.CheckpointAsync("step", step.ToString(CultureInfo.InvariantCulture));
        }

        return JobResult.Complete(new { counted = args.N });
    }
}
