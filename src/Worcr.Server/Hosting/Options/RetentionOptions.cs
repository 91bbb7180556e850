using Worcr.Postgres;

namespace Worcr.Server.Hosting;

/// <summary>
/// Bounded growth (docs/operations.md, Retention): how long finished jobs, webhook rows, idle lanes and old rule
/// versions are kept, how the leader deletes them, and how many lanes a tenant may have. Finished jobs go with their
/// checkpoints, progress and logs. A job's retention is its state's, unless its tenant or type sets one
/// (<see cref="RetentionByTenant"/>, <see cref="RetentionByJobType"/>); when both do, the longer wins.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>How long completed jobs are kept. Default 7 days.</summary>
    public TimeSpan CompletedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long dead jobs (out of attempts, or not retryable) are kept: longer, someone has to look at them. Default 30 days.</summary>
    public TimeSpan DeadRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long cancelled jobs are kept: someone chose to stop them, so as long as completed ones. Default 7 days.</summary>
    public TimeSpan CancelledRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long expired jobs (never started before expires_at) are kept: as long as completed ones. Default 7 days.</summary>
    public TimeSpan ExpiredRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Per job type retention, e.g. "report" → "completed=30d;dead=90d" (states not named keep their default).</summary>
    public IDictionary<string, string> RetentionByJobType { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Per tenant retention, in the same form as <see cref="RetentionByJobType"/>.</summary>
    public IDictionary<string, string> RetentionByTenant { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long delivered and given-up webhook events (with their delivery attempts) are kept. Default 7 days.</summary>
    public TimeSpan WebhookRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A lane with no jobs, live or finished, that no node enqueued into for this long is deleted. Default 7 days.</summary>
    public TimeSpan IdleLaneRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Old versions kept per rule besides its current one. Default 20.</summary>
    public int RuleVersionsKept { get; set; } = 20;

    /// <summary>How often the leader runs retention (sooner while a batch came back full). Default 1 min.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most rows one retention statement deletes, so no statement holds locks for long. Default 1,000.</summary>
    public int RetentionBatchSize { get; set; } = 1000;

    /// <summary>Days of job_history partitions created ahead of today (the leader may be away this long). Default 3.</summary>
    public int HistoryDaysAhead { get; set; } = 3;

    /// <summary>Most lanes one tenant may have (each distinct type, tag set, weight and limit key set is a lane). Default 10,000.</summary>
    public int MaxLanesPerTenant { get; set; } = 10_000;

    /// <summary>The retention of each final state, tenant and type settings included.</summary>
    internal IReadOnlyList<HistoryRetention> History() =>
    [
        Of("completed", CompletedRetention), Of("dead", DeadRetention), Of("expired", ExpiredRetention), Of("cancelled", CancelledRetention),
    ];

    private HistoryRetention Of(string state, TimeSpan fallback) =>
        new(state, fallback, RetentionSpec.ForState(RetentionByTenant, state), RetentionSpec.ForState(RetentionByJobType, state));
}

internal sealed class RetentionOptionsValidator : SettingsValidator<RetentionOptions>
{
    /// <summary>Day partitions: a longer retention would keep thousands of them (and every id lookup reads each).</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(366);

    public override IEnumerable<string> Problems(RetentionOptions options)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(options.CompletedRetention), options.CompletedRetention), (nameof(options.DeadRetention), options.DeadRetention),
            (nameof(options.CancelledRetention), options.CancelledRetention), (nameof(options.ExpiredRetention), options.ExpiredRetention),
            (nameof(options.WebhookRetention), options.WebhookRetention),
        })
        {
            if (RetentionSpec.Problem(value) is { } problem) yield return $"{name} {problem}";
        }
        foreach (var problem in RetentionSpec.Problems(nameof(options.RetentionByJobType), options.RetentionByJobType)) yield return problem;
        foreach (var problem in RetentionSpec.Problems(nameof(options.RetentionByTenant), options.RetentionByTenant)) yield return problem;
        if (options.IdleLaneRetention < 2 * LaneBounds.MarkInterval)
        {
            yield return $"IdleLaneRetention must be at least {2 * LaneBounds.MarkInterval:g} (nodes mark the lanes they use once every {LaneBounds.MarkInterval:g}).";
        }
        if (options.RuleVersionsKept < 0) yield return "RuleVersionsKept must be 0 or more.";
        if (options.RetentionInterval <= TimeSpan.Zero) yield return "RetentionInterval must be positive.";
        if (options.RetentionBatchSize is < 1 or > 100_000) yield return "RetentionBatchSize must be between 1 and 100000.";
        if (options.HistoryDaysAhead is < 1 or > 31) yield return "HistoryDaysAhead must be between 1 and 31.";
        if (options.MaxLanesPerTenant < 1) yield return "MaxLanesPerTenant must be at least 1.";
    }
}
