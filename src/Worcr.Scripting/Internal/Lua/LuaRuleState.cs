using System.Text;
using System.Text.RegularExpressions;
using KeraLua;

namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// One Lua state holding one loaded rule. Single-threaded: <see cref="LuaCompiledRule"/> pools them.
/// Every run happens in a coroutine so the budget hook can stop it by yielding; the coroutine is reset
/// after a stop and reused, so the state stays usable after budget or memory aborts.
/// </summary>
internal sealed partial class LuaRuleState : IDisposable
{
    private readonly RuleSource _source;
    private readonly SandboxLimits _limits;
    private readonly LuaMemoryAccount _memory;
    private readonly LuaCallBudget _budget;
    private readonly KeraLua.Lua _main;
    private KeraLua.Lua _coroutine;
    private int _coroutineRef;
    private readonly int _functionRef;

    public LuaRuleState(RuleSource source, SandboxLimits limits)
    {
        _source = source;
        _limits = limits;
        _memory = new LuaMemoryAccount(limits.LuaMemoryBytes);
        _budget = new LuaCallBudget(limits);
        _main = new KeraLua.Lua(LuaAllocator.Function, _memory.Handle) { Encoding = Encoding.UTF8 };
        try
        {
            _main.OpenLibs();
            _main.PushCFunction(LuaCharge.Function);
            _main.SetGlobal(LuaCharge.GlobalName); // the prelude takes it into its wrappers and removes the global
            _main.PushInteger(LuaMemoryAccount.LargestBlockBytes);
            _main.SetGlobal(LuaSandbox.LargestBlockGlobal);
            RunTrusted(LuaSandbox.Prelude, "=" + LuaSandbox.ChunkName);
            (_coroutine, _coroutineRef) = NewCoroutine();
            _functionRef = LoadRule();
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <summary>Calls the rule's function; returns its first result as a plain value or throws <see cref="ScriptFailure"/>.</summary>
    public object? Call(RuleArguments arguments)
    {
        _coroutine.SetTop(0);
        _coroutine.CheckStack(LuaValueWriter.StackSlotsNeeded);
        _coroutine.RawGetInteger(LuaRegistry.Index, _functionRef);
        var count = LuaValueWriter.PushArguments(_coroutine, arguments);
        var results = Resume(count);
        try
        {
            return results > 0 ? LuaValueReader.Read(_coroutine, 1) : null;
        }
        finally
        {
            _coroutine.SetTop(0);
        }
    }

    public void Dispose() => Close();

    private int LoadRule()
    {
        CompileChunk();
        try
        {
            Resume(0); // the chunk's top level defines the function; it runs under the same budgets
        }
        catch (ScriptFailure failure)
        {
            throw RuleLabel.LoadFailure(_source, failure);
        }

        return ReferenceRuleFunction();
    }

    /// <summary>load(code, '=name', 't', env): text only (binary chunks can crash the VM), sandboxed globals.</summary>
    private void CompileChunk()
    {
        _coroutine.SetTop(0);
        _coroutine.GetGlobal("load");
        _coroutine.PushString(_source.Code);
        _coroutine.PushString("=" + _source.Name);
        _coroutine.PushString("t");
        _coroutine.GetGlobal(LuaSandbox.NewEnvironmentFunction);
        RequireTrusted(_coroutine.PCall(0, 1, 0));
        _coroutine.PushCopy(-1);
        _coroutine.Insert(1); // keep the env below load's arguments: the rule function is read from it later
        RequireTrusted(_coroutine.PCall(4, 2, 0));
        if (_coroutine.IsNil(-2))
        {
            var message = _coroutine.ToString(-1, false) ?? "syntax error";
            throw new RuleCompileException(_source.Name, $"{RuleLabel.Of(_source)} has a syntax error: {message}", LineOf(message));
        }

        _coroutine.Pop(1); // stack: env, chunk
    }

    private int ReferenceRuleFunction()
    {
        var name = RuleFunctionNames.For(_source.Kind);
        _coroutine.SetTop(1); // the env table
        if (_coroutine.GetField(1, name) != LuaType.Function)
        {
            throw new RuleCompileException(
                _source.Name,
                $"{RuleLabel.Of(_source)} does not define the function {name}() that a {_source.Kind} rule needs");
        }

        var reference = _coroutine.Ref(LuaRegistry.Index);
        _coroutine.SetTop(0);
        return reference;
    }

    /// <summary>Resumes the coroutine (function and arguments already pushed) under the budgets; returns the result count.</summary>
    private int Resume(int argumentCount)
    {
        _budget.Begin(_coroutine.Handle);
        LuaBudgetHook.Arm(_budget);
        _memory.Enforcing = true;
        LuaStatus status;
        int results;
        try
        {
            status = _coroutine.Resume(_main, argumentCount, out results);
        }
        finally
        {
            _memory.Enforcing = false;
            LuaBudgetHook.Disarm(_coroutine.Handle);
            _budget.End();
        }

        if (status == LuaStatus.OK && _budget.StopReason is null)
        {
            return results;
        }

        // A stopped budget explains the end whatever the status: a pcall may have caught the refused allocation.
        if (_budget.StopReason is { } stopped)
        {
            Recover(status);
            throw new ScriptFailure(stopped, kind: _budget.StopKind);
        }

        if (status == LuaStatus.ErrRun)
        {
            // Read before Recover: the errored coroutine's stack still holds the frames the error came through.
            var (text, line) = LuaErrorPosition.Of(ErrorText(), _coroutine, _source.Name, LuaSandbox.ChunkName);
            Recover(status);
            throw new ScriptFailure(line is { } l ? $"threw: {text} (line {l})" : $"threw: {text}", line);
        }

        var failure = Describe(status);
        Recover(status);
        throw new ScriptFailure(failure, kind: status == LuaStatus.ErrMem ? RuleFailureKind.MemoryBudget : RuleFailureKind.Error);
    }

    /// <summary>
    /// A coroutine stopped by the budget hook is reset and reused. One that died of an error is replaced:
    /// the Lua 5.4.3 that KeraLua ships leaves an errored thread's status set after lua_resetthread, so
    /// reusing it fails every later call with "cannot resume dead coroutine".
    /// </summary>
    private void Recover(LuaStatus status)
    {
        if (status == LuaStatus.Yield)
        {
            _coroutine.ResetThread();
            return;
        }

        _main.Unref(LuaRegistry.Index, _coroutineRef); // the dead thread is collected by Lua's GC
        (_coroutine, _coroutineRef) = NewCoroutine();
    }

    private (KeraLua.Lua Thread, int Reference) NewCoroutine()
    {
        var thread = _main.NewThread();
        var reference = _main.Ref(LuaRegistry.Index); // anchors the thread so the GC keeps it
        return (thread, reference);
    }

    private string Describe(LuaStatus status) => status switch
    {
        LuaStatus.Yield => "yielded, which a rule cannot do",
        LuaStatus.ErrMem => $"ran out of memory (a rule may hold {_limits.LuaMemoryBytes} bytes, and no single string or table over {LuaMemoryAccount.LargestBlockBytes} bytes)",
        _ => $"threw: {ErrorText()}",
    };

    private string ErrorText() => _coroutine.Type(-1) switch
    {
        LuaType.String or LuaType.Number => _coroutine.ToString(-1, false) ?? "(no message)",
        var other => $"(a {other.ToString().ToLowerInvariant()} was raised as the error)",
    };

    private void RunTrusted(string code, string chunkName)
    {
        if (_main.LoadString(code, chunkName) != LuaStatus.OK || _main.PCall(0, 0, 0) != LuaStatus.OK)
        {
            throw new InvalidOperationException($"The Lua sandbox prelude failed: {_main.ToString(-1, false)}");
        }
    }

    private void RequireTrusted(LuaStatus status)
    {
        if (status != LuaStatus.OK)
        {
            throw new RuleCompileException(_source.Name, $"{RuleLabel.Of(_source)} could not be loaded: {_coroutine.ToString(-1, false)}");
        }
    }

    private static int? LineOf(string message)
    {
        var match = LinePattern().Match(message);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@":(\d+):")]
    private static partial Regex LinePattern();

    private void Close()
    {
        _main.Close();
        _memory.Dispose();
    }
}
