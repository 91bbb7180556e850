namespace Worcr.Scripting;

/// <summary>
/// A rule ready to run. Only the method matching <see cref="RuleSource.Kind"/> may be called; the others
/// throw <see cref="InvalidOperationException"/>. Safe to call from several threads at once.
/// Failures surface as <see cref="RuleExecutionException"/>.
/// </summary>
public interface ICompiledRule : IWeightRule, IDisposable
{
    RuleSource Source { get; }

    string IWeightRule.Name => Source.Name;

    int IWeightRule.Order => Source.Order;

    EnqueueChanges EvaluateEnqueue(JobFacts job);

    RetryDecision EvaluateRetry(JobFacts job, int attempt, string error);

    IReadOnlyList<string> EvaluateLimitKeys(JobFacts job);
}
