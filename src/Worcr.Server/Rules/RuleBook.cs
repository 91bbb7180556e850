using Worcr.Scripting;
using Worcr.Server.Limits;

namespace Worcr.Server.Rules;

/// <summary>What one rule in a book is, for listings and the explain output.</summary>
internal sealed record RuleEntry(string Name, string Kind, string Language, int Order, bool Enabled, string Origin, int Version, string? Error);

/// <summary>
/// One version of the installation's rules, compiled and immutable: the weight evaluator and the enqueue,
/// retry and limit-key rules in order. A new version is a new book; the old one is dropped once unused.
/// </summary>
internal sealed class RuleBook
{
    public RuleBook(string version, WeightEvaluator weights, IReadOnlyList<ICompiledRule> enqueue, IReadOnlyList<ICompiledRule> retry,
        IReadOnlyList<ICompiledRule> limitKeys, IReadOnlyList<RuleEntry> entries, IReadOnlyList<IDisposable> owned)
    {
        Version = version;
        Weights = weights;
        WeightsBypassingBreakers = WeightRuleBreaker.Bypass(weights);
        Enqueue = enqueue;
        Retry = retry;
        LimitKeys = limitKeys;
        Entries = entries;
        Owned = owned;
    }

    public static RuleBook Empty { get; } = new("empty", new WeightEvaluator([]), [], [], [], [], []);

    /// <summary>Changes whenever any rule changes; part of every rule-cache key.</summary>
    public string Version { get; }

    /// <summary>The weight rules as dispatch runs them: each script behind its <see cref="WeightRuleBreaker"/>.</summary>
    public WeightEvaluator Weights { get; }

    /// <summary>
    /// The same rules without their breakers, for the admin explain and dry run: an operator testing a rule wants it
    /// really run (those requests bound what they spend themselves), and their calls must not trip dispatch's breakers.
    /// </summary>
    public WeightEvaluator WeightsBypassingBreakers { get; }

    public IReadOnlyList<ICompiledRule> Enqueue { get; }

    public IReadOnlyList<ICompiledRule> Retry { get; }

    public IReadOnlyList<ICompiledRule> LimitKeys { get; }

    public IReadOnlyList<RuleEntry> Entries { get; }

    /// <summary>Compiled scripts to dispose when the book is retired.</summary>
    public IReadOnlyList<IDisposable> Owned { get; }

    /// <summary>
    /// Runs the enqueue rules in order; each sees the job as the previous ones left it. A rule that fails, or returns
    /// changes a producer could not send (<see cref="RuleChangeChecks"/>), is skipped (its error is returned) and the
    /// job is enqueued as the other rules made it.
    /// </summary>
    public (EnqueueChanges Changes, IReadOnlyList<string> Errors) ApplyEnqueue(JobFacts job)
    {
        if (Enqueue.Count == 0) return (EnqueueChanges.None, []);
        var merged = EnqueueChanges.None;
        var errors = new List<string>();
        foreach (var rule in Enqueue)
        {
            try
            {
                var changes = rule.EvaluateEnqueue(job);
                if (RuleChangeChecks.EnqueueProblem(changes, job.EnqueuedAt) is { } problem)
                {
                    errors.Add($"rule '{rule.Source.Name}' returned changes that were not applied: {problem}");
                    continue;
                }
                merged = new EnqueueChanges(
                    changes.ExpiresAt ?? merged.ExpiresAt, changes.MaxAttempts ?? merged.MaxAttempts, changes.RunAt ?? merged.RunAt,
                    changes.Weight ?? merged.Weight, [.. merged.ExtraTags, .. changes.ExtraTags], [.. merged.LimitKeys, .. changes.LimitKeys]);
                if (changes.ExtraTags.Count > 0) job = job with { Tags = [.. job.Tags, .. changes.ExtraTags] };
            }
            catch (RuleExecutionException exception)
            {
                errors.Add(exception.Message);
            }
        }
        return (merged, errors);
    }

    /// <summary>
    /// The first retry rule decides the delay or gives up; null when there is none (or it failed or asked for a delay
    /// past the furthest a job may be scheduled: then the node's default backoff applies and the error is returned).
    /// </summary>
    public (RetryDecision? Decision, string? Error) DecideRetry(JobFacts job, int attempt, string error)
    {
        if (Retry.Count == 0) return (null, null);
        try
        {
            var decision = Retry[0].EvaluateRetry(job, attempt, error);
            return RuleChangeChecks.RetryProblem(decision) is { } problem
                ? (null, $"rule '{Retry[0].Source.Name}' returned a delay that was not used: {problem}")
                : (decision, null);
        }
        catch (RuleExecutionException exception)
        {
            return (null, exception.Message);
        }
    }
}
