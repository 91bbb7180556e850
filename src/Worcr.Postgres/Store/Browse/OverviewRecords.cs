using Worcr.Core.Jobs;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

// What one overview read returns. Time is cut in buckets of a fixed step: bucket b covers
// [b × step, (b + 1) × step) seconds since the Unix epoch, by the database's clock.

/// <summary>A tenant's live backlog.</summary>
public sealed record TenantBacklog(string Tenant, long Waiting, long Running);

/// <summary>A lane and how many of its jobs wait.</summary>
public sealed record LaneWaiting(Lane Lane, long Waiting);

/// <summary>Finished jobs of one state that finished in one bucket and were enqueued in another (null: before the window).</summary>
public sealed record FinishedCount(long FinishedBucket, JobState State, long? EnqueuedBucket, long Count);

/// <summary>Time from ready (run_at) to finished, in milliseconds, of the jobs that ran to an end in one bucket.</summary>
public sealed record BucketLatency(long Bucket, double P50Ms, double P95Ms);

/// <summary>The live jobs table summed up, and the finished jobs of the buckets asked for.</summary>
public sealed record OverviewCounts(
    DateTimeOffset Now,
    IReadOnlyDictionary<JobState, long> Live,
    IReadOnlyList<TenantBacklog> Tenants,
    IReadOnlyList<LaneWaiting> Lanes,
    IReadOnlyDictionary<long, long> LiveEnqueuedByBucket,
    IReadOnlyList<FinishedCount> Finished,
    IReadOnlyList<BucketLatency> Latencies)
{
    /// <summary>The live counts are scaled up from a sample of the jobs table (it held more than OverviewReader.ExactRows); history counts are exact.</summary>
    public bool Estimated { get; init; }
}
