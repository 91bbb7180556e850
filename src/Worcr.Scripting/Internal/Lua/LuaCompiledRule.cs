namespace Worcr.Scripting.Internal.Lua;

/// <summary>A compiled Lua rule: a pool of states, each with the rule loaded, so calls can run in parallel.</summary>
internal sealed class LuaCompiledRule : CompiledRuleBase
{
    private readonly InstancePool<LuaRuleState> _states;

    private LuaCompiledRule(RuleSource source, SandboxLimits limits, LuaRuleState first)
        : base(source)
    {
        _states = new InstancePool<LuaRuleState>(() => new LuaRuleState(source, limits), InstancePool<LuaRuleState>.DefaultCapacity);
        _states.Add(first);
    }

    /// <summary>Loads the rule once now, so syntax errors and a missing function surface before it goes live.</summary>
    public static LuaCompiledRule Compile(RuleSource source, SandboxLimits limits) =>
        new(source, limits, new LuaRuleState(source, limits));

    public override void Dispose() => _states.Dispose();

    protected override object? Invoke(RuleArguments arguments)
    {
        try
        {
            return _states.Use(state => state.Call(arguments));
        }
        catch (ScriptFailure failure)
        {
            throw RuleLabel.Failure(Source, failure);
        }
        catch (RuleCompileException failure)
        {
            // Only reachable if a rule's top level behaves differently in a new pooled state.
            throw RuleLabel.Failure(Source, $"could not be loaded into a new state: {failure.Message}", failure);
        }
    }
}
