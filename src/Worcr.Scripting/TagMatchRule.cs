namespace Worcr.Scripting;

/// <summary>
/// A weight rule written as data instead of code. Each side matches when the tags contain all of *All,
/// at least one of *Any (if any are given) and none of *None; empty lists match anything.
/// It is an <see cref="IWeightRule"/>, so <see cref="WeightEvaluator"/> runs it alongside script rules.
/// </summary>
public sealed record TagMatchRule(
    string Name,
    IReadOnlyList<string> JobAll,
    IReadOnlyList<string> JobAny,
    IReadOnlyList<string> JobNone,
    IReadOnlyList<string> WorkerAll,
    IReadOnlyList<string> WorkerAny,
    IReadOnlyList<string> WorkerNone,
    TagMatchAction Action,
    double Factor = 1,
    int Order = 0) : IWeightRule
{
    public double EvaluateWeight(JobFacts job, WorkerFacts worker)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(worker);
        var jobMatches = Matches(job.Tags, JobAll, JobAny, JobNone);
        var workerMatches = Matches(worker.Tags, WorkerAll, WorkerAny, WorkerNone);
        return Action switch
        {
            TagMatchAction.Multiply => jobMatches && workerMatches ? Factor : 1,
            TagMatchAction.Forbid => jobMatches && workerMatches ? 0 : 1,
            TagMatchAction.Require => jobMatches && !workerMatches ? 0 : 1,
            _ => throw new InvalidOperationException($"Tag-match rule '{Name}' has the unknown action {Action}."),
        };
    }

    private static bool Matches(IReadOnlyList<string>? tags, IReadOnlyList<string>? all, IReadOnlyList<string>? any, IReadOnlyList<string>? none)
    {
        var set = tags is null ? [] : new HashSet<string>(tags, StringComparer.Ordinal);
        return (all ?? []).All(set.Contains)
            && (any is null || any.Count == 0 || any.Any(set.Contains))
            && !(none ?? []).Any(set.Contains);
    }
}
