namespace Worcr.Scripting;

/// <summary>
/// Anything that turns a (job, worker) pair into a weight factor: compiled weight scripts
/// (<see cref="ICompiledRule"/> of kind <see cref="RuleKind.Weight"/>) and <see cref="TagMatchRule"/>s.
/// <see cref="WeightEvaluator"/> runs a list of them in <see cref="Order"/>.
/// </summary>
public interface IWeightRule
{
    string Name { get; }

    int Order { get; }

    double EvaluateWeight(JobFacts job, WorkerFacts worker);
}
