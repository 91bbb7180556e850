using System.Diagnostics;

namespace Worcr.Scripting;

/// <summary>Raw call rates of a small weight rule in each language, for <c>worcr bench rules</c>. Not used in dispatch.</summary>
public static class RuleBenchmarks
{
    private const string LuaRule = """
        function weight(job, worker)
          if has(job.tags, 'premium') and has(worker.tags, 'premium') then return 10 end
          return 1
        end
        """;

    private const string JsRule = """
        function weight(job, worker) {
          if (has(job.tags, 'premium') && has(worker.tags, 'premium')) { return 10; }
          return 1;
        }
        """;

    /// <summary>Calls each language's rule repeatedly for half of <paramref name="duration"/> and returns calls per second.</summary>
    public static (double luaCallsPerSecond, double jsCallsPerSecond) MeasureRawCalls(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var half = duration / 2;
        var job = new JobFacts("email.send", "acme", ["premium"], """{"to":"a@example.com"}""", 1, DateTimeOffset.UnixEpoch);
        var worker = new WorkerFacts("bench-worker", ["premium"], ["email.send"]);
        // A generous time budget: on a busy machine the first JS call (code generation, JIT) can pass 100 ms.
        var limits = new SandboxLimits { ScriptTimeBudget = TimeSpan.FromSeconds(10) };
        using var lua = RuleCompiler.Compile(new RuleSource("bench-lua", RuleKind.Weight, RuleLanguage.Lua, LuaRule), limits);
        using var js = RuleCompiler.Compile(new RuleSource("bench-js", RuleKind.Weight, RuleLanguage.JavaScript, JsRule), limits);
        return (CallsPerSecond(lua, job, worker, half), CallsPerSecond(js, job, worker, half));
    }

    private static double CallsPerSecond(ICompiledRule rule, JobFacts job, WorkerFacts worker, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        long calls = 0;
        while (stopwatch.Elapsed < duration)
        {
            for (var i = 0; i < 64; i++)
            {
                rule.EvaluateWeight(job, worker);
            }

            calls += 64;
        }

        return calls / stopwatch.Elapsed.TotalSeconds;
    }
}
