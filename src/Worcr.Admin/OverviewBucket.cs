using Worcr.Core.Jobs;

namespace Worcr.Admin;

/// <summary>What finished in one step: counts per final state, the enqueue steps of those jobs, and latency percentiles.</summary>
internal sealed class OverviewBucket
{
    public Dictionary<JobState, long> Finished { get; } = new();

    /// <summary>How many of the jobs that finished here were enqueued in each step of the window.</summary>
    public Dictionary<long, long> EnqueuedIn { get; } = new();

    public double? P50Ms { get; set; }

    public double? P95Ms { get; set; }

    public long Count(JobState state) => Finished.GetValueOrDefault(state);
}
