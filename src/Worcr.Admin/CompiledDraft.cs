using Worcr.Scripting;

namespace Worcr.Admin;

/// <summary>
/// A rule that passed every check, compiled. Disposing releases its script (Lua states, JS engines), so callers
/// that only validate dispose it at once; explain keeps it for one evaluation.
/// </summary>
internal sealed class CompiledDraft : IDisposable
{
    private readonly IDisposable? _owned;

    public CompiledDraft(CheckedRule rule, IWeightRule? weightRule, IDisposable? owned)
    {
        Rule = rule;
        WeightRule = weightRule;
        _owned = owned;
    }

    public CheckedRule Rule { get; }

    /// <summary>What the rule adds to weight decisions; null when it is not a weight rule or is disabled.</summary>
    public IWeightRule? WeightRule { get; }

    public void Dispose() => _owned?.Dispose();
}
