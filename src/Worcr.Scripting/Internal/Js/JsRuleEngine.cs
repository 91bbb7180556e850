using Jurassic;
using Jurassic.Library;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// One Jurassic engine holding one rule (already checked and rewritten with guards). Single-threaded:
/// <see cref="JsCompiledRule"/> pools them. CLR access stays off and recursion is capped, because
/// Jurassic's default (no limit) lets runaway recursion overflow the real stack and kill the process.
/// </summary>
internal sealed class JsRuleEngine : IDisposable
{
    private readonly RuleSource _source;
    private readonly JsGuard _guard;
    private readonly ScriptEngine _engine;
    private readonly string _functionName;

    public JsRuleEngine(RuleSource source, string guardedCode, SandboxLimits limits)
    {
        _source = source;
        _guard = new JsGuard(limits);
        _functionName = RuleFunctionNames.For(source.Kind);
        _engine = new ScriptEngine { EnableExposedClrTypes = false, RecursionDepthLimit = limits.JsRecursionDepth };
        _engine.SetGlobalFunction(JsGuardRewriter.GuardFunction, new Action(_guard.Check));
        _engine.Execute(JsSandbox.Prelude);
        Load(guardedCode);
    }

    public object? Call(RuleArguments arguments)
    {
        var values = JsValueWriter.Arguments(_engine, arguments);
        return JsValueReader.Read(Guarded(() => _engine.CallGlobalFunction(_functionName, values)));
    }

    public void Dispose()
    {
        // A ScriptEngine holds only managed memory; nothing to release.
    }

    private void Load(string guardedCode)
    {
        try
        {
            Guarded(() =>
            {
                _engine.Execute(new StringScriptSource(guardedCode, _source.Name));
                return null;
            });
        }
        catch (ScriptFailure failure)
        {
            throw new RuleCompileException(_source.Name, $"{RuleLabel.Of(_source)} failed while loading: {failure.Message}", failure.Line, failure);
        }

        if (_engine.GetGlobalValue(_functionName) is not FunctionInstance)
        {
            throw new RuleCompileException(
                _source.Name,
                $"{RuleLabel.Of(_source)} does not define the function {_functionName}() that a {_source.Kind} rule needs");
        }
    }

    /// <summary>Runs script code under a fresh budget, translating every way it can stop into a <see cref="ScriptFailure"/>.</summary>
    private object? Guarded(Func<object?> run)
    {
        _guard.Begin();
        try
        {
            return run();
        }
        catch (JavaScriptException ex) when (ex.InnerException is Jurassic.Compiler.SyntaxErrorException)
        {
            throw new RuleCompileException(_source.Name, $"{RuleLabel.Of(_source)} has a syntax error: {ex.Message} (line {ex.LineNumber})", ex.LineNumber, ex);
        }
        catch (JavaScriptException ex)
        {
            throw new ScriptFailure($"threw: {ex.Message}" + (ex.LineNumber > 0 ? $" (line {ex.LineNumber})" : string.Empty), ex.LineNumber > 0 ? ex.LineNumber : null);
        }
        catch (StackOverflowException)
        {
            throw new ScriptFailure($"exceeded its recursion depth of {_engine.RecursionDepthLimit}");
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ScriptFailure("ran out of stack");
        }
        catch (OutOfMemoryException)
        {
            throw new ScriptFailure("ran out of memory");
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            throw new ScriptFailure("ran a regular expression past its time limit");
        }
    }
}
