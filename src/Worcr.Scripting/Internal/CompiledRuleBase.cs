namespace Worcr.Scripting.Internal;

/// <summary>
/// What both languages share: checking the called method matches the rule's kind, decoding the job's
/// args and reading the result. Subclasses only run the function and return its plain value.
/// </summary>
internal abstract class CompiledRuleBase : ICompiledRule
{
    private readonly RuleResultReader _reader;

    protected CompiledRuleBase(RuleSource source)
    {
        Source = source;
        _reader = new RuleResultReader(source);
    }

    public RuleSource Source { get; }

    public double EvaluateWeight(JobFacts job, WorkerFacts worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return _reader.ReadWeight(Run(RuleKind.Weight, job, worker, null, null));
    }

    public EnqueueChanges EvaluateEnqueue(JobFacts job) =>
        _reader.ReadEnqueue(Run(RuleKind.Enqueue, job, null, null, null));

    public RetryDecision EvaluateRetry(JobFacts job, int attempt, string error) =>
        _reader.ReadRetry(Run(RuleKind.Retry, job, null, attempt, error ?? string.Empty));

    public IReadOnlyList<string> EvaluateLimitKeys(JobFacts job) =>
        _reader.ReadLimitKeys(Run(RuleKind.LimitKey, job, null, null, null));

    public abstract void Dispose();

    /// <summary>Runs the rule's function and returns its result as a plain value (see <see cref="ScriptValues"/>).</summary>
    protected abstract object? Invoke(RuleArguments arguments);

    private object? Run(RuleKind calledAs, JobFacts job, WorkerFacts? worker, int? attempt, string? error)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (calledAs != Source.Kind)
        {
            throw new InvalidOperationException(
                $"{RuleLabel.Of(Source)} is a {Source.Kind} rule; it cannot be evaluated as a {calledAs} rule.");
        }

        var args = RuleArguments.DecodeArgs(Source, job);
        return Invoke(new RuleArguments(job, args, worker, attempt, error));
    }
}
