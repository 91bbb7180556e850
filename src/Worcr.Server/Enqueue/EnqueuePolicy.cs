using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Core.Jobs;
using Worcr.Core.Lanes;
using Worcr.Postgres;
using Worcr.Scripting;
using Worcr.Server.Hosting;
using Worcr.Server.JobTypes;
using Worcr.Server.Limits;
using Worcr.Server.Rules;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Enqueue;

/// <summary>
/// The job as it will be stored: the producer's submission, then the enqueue rules' changes (a rule's value wins
/// over the submission's: rules are the operators' policy). A failing rule changes nothing and is logged. What both
/// leave unset comes from the job type's settings, then the node's defaults.
/// </summary>
internal sealed class EnqueuePolicy(RetryOptions options, int maxMessageSize, IReadOnlyList<HistoryRetention> history, RuleCatalog rules, JobTypeRegistry jobTypes,
    Limits.NodeLimits limits, TimeProvider time, ILogger logger)
{
    public Func<Telemetry.NodeTelemetry?> Telemetry { get; init; } = () => null;

    /// <exception cref="WorcrError">The job type is unknown (and the node does not accept unknown types), a time lies too far ahead, or the job could not be delivered.</exception>
    public async Task<NewJob> ApplyAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        await jobTypes.RequireKnownAsync(submission.Type, $"{submission.Field}.type", cancellationToken);
        var typeSettings = await jobTypes.SettingsAsync(submission.Type, cancellationToken);
        var tags = Lane.NormaliseTags(submission.Tags);
        var facts = new JobFacts(submission.Type, submission.Tenant, tags, submission.ArgsJson, 0, time.GetUtcNow());
        var (book, ruleStart) = (rules.Current, Stopwatch.GetTimestamp());
        var (changes, errors) = book.ApplyEnqueue(facts);
        Telemetry()?.RulesEvaluated(Server.Telemetry.RuleKindLabel.Enqueue, book.Enqueue.Count, ruleStart, errors.Count);
        foreach (var error in errors) ServerLog.RuleFailed(logger, error);
        var weight = changes.Weight ?? (submission.Weight == 0 ? 1 : submission.Weight);
        var maxAttempts = changes.MaxAttempts ?? (submission.MaxAttempts == 0 ? typeSettings.MaxAttempts ?? options.DefaultMaxAttempts : submission.MaxAttempts);
        if (weight <= 0 || double.IsNaN(weight) || double.IsInfinity(weight)) weight = 1;
        weight = Math.Min(weight, InputLimits.MaxJobWeight);
        var finalTags = changes.ExtraTags.Count == 0 ? tags : Lane.NormaliseTags([.. tags, .. changes.ExtraTags]);
        var job = new NewJob(
            Tenant: submission.Tenant,
            Type: submission.Type,
            Tags: finalTags,
            ArgsJson: submission.ArgsJson,
            Weight: weight,
            MaxAttempts: Math.Clamp(maxAttempts, 1, 1000),
            RunAt: changes.RunAt ?? submission.RunAt,
            ExpiresAt: changes.ExpiresAt ?? submission.ExpiresAt,
            UniqueKey: string.IsNullOrEmpty(submission.UniqueKey) ? null : submission.UniqueKey,
            UniqueWindow: submission.UniqueWindow)
        {
            // Computed once, here: the keys become part of the job's lane (docs/fairness-and-limits.md).
            LimitKeys = Limits.LimitKeys.Compute(limits.Catalog.Current, rules.Current, facts with { Tags = finalTags }, changes.LimitKeys, logger),
            TraceParent = Server.Telemetry.NodeActivities.ForJob(submission.TraceParent),
        };
        RequireWithinHorizon(job, submission.Field);
        RequireWindowWithinRetention(job, submission.Field);
        AssignFit.Require(job, submission.Field, submission.ArgsStoredBytes, maxMessageSize);
        return job;
    }

    /// <summary>
    /// A unique window looks for the key among finished jobs, so it can hold no longer than they are kept: a longer
    /// one would let a duplicate in once retention deleted the first job, silently. The shortest retention of the
    /// job's final states (its tenant's and type's settings included) bounds it.
    /// </summary>
    private void RequireWindowWithinRetention(NewJob job, string field)
    {
        if (job.UniqueKey is null || job.UniqueWindow is not { } window) return;
        var kept = history.Min(state => state.For(job.Tenant, job.Type));
        if (window <= kept) return;
        var state = history.First(s => s.For(job.Tenant, job.Type) == kept).State;
        throw WorcrError.InvalidArgument(
            $"{field}.unique_window: {window.TotalDays:0.##} days is longer than this job's history is kept ({kept.TotalDays:0.##} days once {state}), " +
            "so the key could not be held that long.");
    }

    /// <summary>run_at and expires_at at most <see cref="InputLimits.MaxScheduleAhead"/> from now (by the node's clock).</summary>
    private void RequireWithinHorizon(NewJob job, string field)
    {
        var latest = time.GetUtcNow() + InputLimits.MaxScheduleAhead;
        if (job.RunAt > latest) throw WorcrError.InvalidArgument($"{field}.run_at: at most {InputLimits.MaxScheduleAhead.TotalDays:0} days ahead.");
        if (job.ExpiresAt > latest) throw WorcrError.InvalidArgument($"{field}.expires_at: at most {InputLimits.MaxScheduleAhead.TotalDays:0} days ahead.");
    }
}
