using Acornima.Ast;
using Jint;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// A compiled JavaScript rule: the source is parsed once (a prepared script is immutable and thread-safe) and
/// run in a pool of engines, one per concurrent caller, since a Jint engine must not be used by two threads at once.
/// </summary>
internal sealed class JsCompiledRule : CompiledRuleBase
{
    private readonly InstancePool<JsRuleEngine> _engines;

    private JsCompiledRule(RuleSource source, SandboxLimits limits, Prepared<Script> script, JsRuleEngine first)
        : base(source)
    {
        _engines = new InstancePool<JsRuleEngine>(
            () => new JsRuleEngine(source, script, limits), InstancePool<JsRuleEngine>.DefaultCapacity, engine => engine.MayBeReused);
        _engines.Add(first);
    }

    public static JsCompiledRule Compile(RuleSource source, SandboxLimits limits)
    {
        var script = Parse(source);
        return new JsCompiledRule(source, limits, script, new JsRuleEngine(source, script, limits));
    }

    public override void Dispose() => _engines.Dispose();

    protected override object? Invoke(RuleArguments arguments)
    {
        try
        {
            return _engines.Use(engine => engine.Call(arguments));
        }
        catch (ScriptFailure failure)
        {
            throw RuleLabel.Failure(Source, failure);
        }
        catch (RuleCompileException failure)
        {
            throw RuleLabel.Failure(Source, $"could not be loaded into a new engine: {failure.Message}", failure);
        }
    }

    private static Prepared<Script> Parse(RuleSource source)
    {
        try
        {
            return Engine.PrepareScript(source.Code, source.Name);
        }
        catch (ScriptPreparationException error) when (error.InnerException is Acornima.ParseErrorException syntax)
        {
            var line = syntax.LineNumber > 0 ? syntax.LineNumber : (int?)null;
            throw new RuleCompileException(source.Name, $"{RuleLabel.Of(source)} has a syntax error: {syntax.Description} (line {syntax.LineNumber})", line, error);
        }
        catch (ScriptPreparationException error)
        {
            throw new RuleCompileException(source.Name, $"{RuleLabel.Of(source)} cannot be compiled: {error.InnerException?.Message ?? error.Message}", null, error);
        }
    }
}
