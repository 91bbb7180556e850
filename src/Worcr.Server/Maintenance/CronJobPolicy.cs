using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Enqueue;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Maintenance;

/// <summary>
/// A schedule's job goes through the enqueue policy a producer's job goes through: enqueue rules (tags, weight,
/// retries, run_at, expiry, limit keys), limit keys from limit definitions and limit-key rules, the job type's
/// settings. Fired as stored, a cron job escaped every limit an identical job enqueued by hand was held to.
/// </summary>
internal static class CronJobPolicy
{
    /// <summary>How the schedule's errors name the job (its field in a schedule definition).</summary>
    private const string Field = "job";

    public static Func<CronJobTemplate, CancellationToken, Task<NewJob>> Of(JobLifecycle lifecycle) =>
        (template, ct) => lifecycle.ShapeAsync(Submission(template), ct);

    // An unset max_attempts is a submission's 0, "not given": the policy resolves it as for a producer's job.
    private static JobSubmission Submission(CronJobTemplate job) => new(Field, job.Tenant, job.Type, job.Tags, job.ArgsJson, job.Weight, job.MaxAttempts ?? 0,
        RunAt: null, ExpiresAt: null, UniqueKey: null, UniqueWindow: null, TraceParent: "");
}
