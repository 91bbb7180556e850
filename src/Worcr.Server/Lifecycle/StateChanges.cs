using Worcr.Core.Jobs;

namespace Worcr.Server.Lifecycle;

/// <summary>
/// The state change each transition announces, as a pure function of what the transition did: null when it did
/// nothing worth announcing (a duplicate enqueue, a stale attempt, a job already finished).
/// </summary>
internal static class StateChanges
{
    public static JobStateRecord? Enqueued(NewJob job, EnqueuedJob enqueued) =>
        enqueued.Duplicate ? null : new(enqueued.Id, job.Tenant, enqueued.State, 0, null, job.Type);

    /// <summary>A worker was handed the attempt (published before the worker sees it, so it precedes its reports).</summary>
    public static JobStateRecord Started(long jobId, string tenant, int attempt) => new(jobId, tenant, JobState.Running, attempt, null);

    public static JobStateRecord? Completed(Completion completion, string tenant, bool accepted) =>
        accepted ? new(completion.JobId, tenant, JobState.Completed, completion.Attempt, null) : null;

    public static JobStateRecord? Failed(JobFailure failure, string tenant, FailOutcome outcome) =>
        outcome.Accepted ? new(failure.JobId, tenant, outcome.State, failure.Attempt, failure.Error) : null;

    public static JobStateRecord? Yielded(long jobId, int attempt, TimeSpan delay, string tenant, bool accepted) =>
        accepted ? new(jobId, tenant, delay > TimeSpan.Zero ? JobState.Scheduled : JobState.Waiting, attempt, null) : null;

    public static JobStateRecord? Cancelled(long jobId, string reason, CancelOutcome outcome) =>
        outcome.Cancelled ? new(jobId, outcome.Tenant, JobState.Cancelled, outcome.Attempt, reason, outcome.Type) : null;

    public static JobStateRecord? Retried(long jobId, RetryOutcome? outcome) =>
        outcome is { Retried: true } ? new(jobId, outcome.Tenant, outcome.State, outcome.Attempt, null) : null;
}
