using System.Text.RegularExpressions;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// One Jint engine holding one loaded rule. Single-threaded: <see cref="JsCompiledRule"/> pools them (a new
/// engine costs about a millisecond, so they are kept between calls). Every run is bounded by the engine's
/// constraints (<see cref="JsEngineOptions"/>), which reset at each entry into the engine. What a rule keeps
/// between calls is not (a top-level array of big strings reached 2.35 GB over 40 calls), so an engine is
/// replaced once its runs have allocated <see cref="SandboxLimits.JsAllocationBytes"/> in all: it cannot hold
/// more than it allocated.
/// </summary>
internal sealed class JsRuleEngine : IDisposable
{
    private static readonly Prepared<Script> Prelude = Engine.PrepareScript(JsSandbox.Prelude, "worcr-sandbox");

    private readonly RuleSource _source;
    private readonly SandboxLimits _limits;
    private readonly Engine _engine;
    private readonly JsValue _function;
    private readonly JsValueWriter _writer;
    private long _allocatedBytes;

    public JsRuleEngine(RuleSource source, Prepared<Script> script, SandboxLimits limits)
    {
        var start = GC.GetAllocatedBytesForCurrentThread();
        _source = source;
        _limits = limits;
        var time = new RuleTimeBudget(limits.ScriptTimeBudget) { Held = true };
        _engine = new Engine(options => JsEngineOptions.Apply(options, limits, time));
        _engine.SetValue(JsSandbox.MaxStringLengthGlobal, (double)(limits.JsAllocationBytes / sizeof(char)));
        _engine.SetValue(JsSandbox.MaxArrayLengthGlobal, (double)JsEngineOptions.MaxArrayLength);
        _engine.SetValue(JsSandbox.CheckBudgetGlobal, new ClrFunction(_engine, "checkBudget", CheckBudget));
        _engine.Execute(Prelude);
        time.Held = false; // from here on the rule's own code runs: its top level, then each call
        _function = Load(script);
        _writer = new JsValueWriter(_engine);
        _allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - start;
    }

    /// <summary>False once the engine's loading and calls have allocated <see cref="SandboxLimits.JsAllocationBytes"/> in all.</summary>
    public bool MayBeReused => _allocatedBytes <= _limits.JsAllocationBytes;

    public object? Call(RuleArguments arguments)
    {
        var start = GC.GetAllocatedBytesForCurrentThread(); // a call runs on one thread from start to end
        try
        {
            return Guarded(() => JsValueReader.Read(_engine.Call(_function, _writer.Arguments(arguments))));
        }
        finally
        {
            _allocatedBytes += GC.GetAllocatedBytesForCurrentThread() - start;
        }
    }

    public void Dispose() => _engine.Dispose();

    /// <summary>Throws (as the interpreter's own checks do) once the call is past a budget.</summary>
    private JsValue CheckBudget(JsValue self, JsValue[] arguments)
    {
        _engine.Constraints.Check();
        return JsValue.Undefined;
    }

    private JsValue Load(Prepared<Script> script)
    {
        try
        {
            Guarded(() => _engine.Execute(script));
        }
        catch (ScriptFailure failure)
        {
            throw RuleLabel.LoadFailure(_source, failure);
        }

        var name = RuleFunctionNames.For(_source.Kind);
        var function = _engine.Global.GetOwnProperty(name).Value; // own data property only: a getter would run script
        if (function is not Jint.Native.Function.Function)
        {
            throw new RuleCompileException(
                _source.Name,
                $"{RuleLabel.Of(_source)} does not define the function {name}() that a {_source.Kind} rule needs");
        }

        return function;
    }

    /// <summary>Runs script code, translating every way it can stop into a <see cref="ScriptFailure"/>.</summary>
    private T Guarded<T>(Func<T> run)
    {
        try
        {
            return run();
        }
        catch (JavaScriptException ex)
        {
            var line = ex.Location.Start.Line > 0 ? ex.Location.Start.Line : (int?)null;
            throw new ScriptFailure($"threw: {JsErrorText.Of(ex)}" + (line is { } l ? $" (line {l})" : string.Empty), line);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ScriptFailure("ran a regular expression past its time budget", kind: RuleFailureKind.TimeBudget);
        }
        catch (TimeoutException)
        {
            throw new ScriptFailure($"exceeded its time budget of {_limits.ScriptTimeBudget.TotalMilliseconds:0.###} ms", kind: RuleFailureKind.TimeBudget);
        }
        catch (StatementsCountOverflowException)
        {
            throw new ScriptFailure($"exceeded its statement budget of {_limits.JsStatementBudget}", kind: RuleFailureKind.WorkBudget);
        }
        catch (MemoryLimitExceededException)
        {
            throw new ScriptFailure($"ran out of memory (allocated more than {_limits.JsAllocationBytes} bytes)", kind: RuleFailureKind.MemoryBudget);
        }
        catch (RecursionDepthOverflowException)
        {
            throw new ScriptFailure($"exceeded its recursion depth of {_limits.JsRecursionDepth}");
        }
        catch (InvalidOperationException ex)
        {
            // What Jint throws for a feature the sandbox leaves off, e.g. import() with module loading disabled.
            throw new ScriptFailure($"used something rules cannot use: {ex.Message}");
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ScriptFailure("ran out of stack");
        }
        catch (OutOfMemoryException)
        {
            throw new ScriptFailure("ran out of memory", kind: RuleFailureKind.MemoryBudget);
        }
    }
}
