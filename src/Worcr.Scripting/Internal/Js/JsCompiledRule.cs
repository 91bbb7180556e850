namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// A compiled JavaScript rule: the source is checked for forbidden constructs and rewritten with guards
/// once, then loaded into a pool of engines so calls can run in parallel.
/// </summary>
internal sealed class JsCompiledRule : CompiledRuleBase
{
    private readonly InstancePool<JsRuleEngine> _engines;

    private JsCompiledRule(RuleSource source, SandboxLimits limits, string guardedCode, JsRuleEngine first)
        : base(source)
    {
        _engines = new InstancePool<JsRuleEngine>(() => new JsRuleEngine(source, guardedCode, limits), InstancePool<JsRuleEngine>.DefaultCapacity);
        _engines.Add(first);
    }

    public static JsCompiledRule Compile(RuleSource source, SandboxLimits limits)
    {
        var guardedCode = Prepare(source);
        return new JsCompiledRule(source, limits, guardedCode, new JsRuleEngine(source, guardedCode, limits));
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
            throw RuleLabel.Failure(Source, failure.Message, failure);
        }
        catch (RuleCompileException failure)
        {
            throw RuleLabel.Failure(Source, $"could not be loaded into a new engine: {failure.Message}", failure);
        }
    }

    private static string Prepare(RuleSource source)
    {
        try
        {
            var tokens = JsTokenizer.Tokenize(source.Code);
            JsForbiddenConstructs.Check(tokens, RegexTimeout.IsEffective);
            return JsGuardRewriter.Rewrite(source.Code, tokens);
        }
        catch (JsSyntaxError error)
        {
            throw new RuleCompileException(source.Name, $"{RuleLabel.Of(source)} cannot be compiled: {error.Message} (line {error.Line})", error.Line, error);
        }
    }
}
