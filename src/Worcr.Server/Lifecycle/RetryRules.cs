using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Worcr.Core.Dispatch;
using Worcr.Core.Retries;
using Worcr.Postgres;
using Worcr.Scripting;
using Worcr.Server.Hosting;
using Worcr.Server.JobTypes;
using Worcr.Server.Rules;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Lifecycle;

/// <summary>
/// What <see cref="RetryPolicy"/> needs from the node for one failure: the backoff (the job type's when its
/// settings give one, else the node's) and the retry rules' advice.
/// </summary>
internal sealed class RetryRules(RetryOptions options, RuleCatalog rules, JobTypeRegistry jobTypes, ILogger logger)
{
    private readonly RetryBackoff _nodeBackoff = new(options.RetryBaseDelay, options.RetryMaxDelay);

    public Func<Telemetry.NodeTelemetry?> Telemetry { get; init; } = () => null;

    public async ValueTask<RetryBackoff> BackoffForAsync(ClaimedJob? job, CancellationToken cancellationToken)
    {
        if (job is null) return _nodeBackoff;
        var settings = await jobTypes.SettingsAsync(job.Lane.Type, cancellationToken);
        return settings.ChangesBackoff ? settings.Backoff(options) : _nodeBackoff;
    }

    /// <summary>The first retry rule's advice for the attempt that failed; none for a job this node does not hold (its facts are not here).</summary>
    public RetryAdvice? Advise(ClaimedJob? job, int attempt, string error)
    {
        if (job is null) return null;
        var facts = new JobFacts(job.Lane.Type, job.Lane.Tenant, job.Lane.Tags, job.ArgsJson, job.Attempt, job.EnqueuedAt);
        var (book, ruleStart) = (rules.Current, Stopwatch.GetTimestamp());
        var (decision, ruleError) = book.DecideRetry(facts, attempt, error);
        Telemetry()?.RulesEvaluated(Server.Telemetry.RuleKindLabel.Retry, book.Retry.Count, ruleStart, ruleError is null ? 0 : 1);
        if (ruleError is not null) ServerLog.RuleFailed(logger, ruleError);
        return decision is null ? null : new RetryAdvice(decision.GiveUp, decision.Delay);
    }
}
