namespace Worcr.Scripting.Tests;

/// <summary>Builders for the jobs, workers and rules the tests use.</summary>
internal static class Facts
{
    public static readonly DateTimeOffset EnqueuedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static JobFacts Job(string type = "email.send", string[]? tags = null, string args = "{}", int attempt = 1, string tenant = "acme") =>
        new(type, tenant, tags ?? [], args, attempt, EnqueuedAt);

    public static WorkerFacts Worker(params string[] tags) => new("worker-1", tags, ["email.send"]);

    public static ICompiledRule Lua(string code, RuleKind kind = RuleKind.Weight, SandboxLimits? limits = null, string name = "test-rule") =>
        RuleCompiler.Compile(new RuleSource(name, kind, RuleLanguage.Lua, code), limits ?? RelaxedLua);

    /// <summary>Lua tests about the instruction budget or memory give the clock room, so a busy machine cannot change which limit stops a run.</summary>
    public static readonly SandboxLimits RelaxedLua = new() { ScriptTimeBudget = TimeSpan.FromSeconds(30) };

    public static ICompiledRule Js(string code, RuleKind kind = RuleKind.Weight, SandboxLimits? limits = null, string name = "test-rule") =>
        RuleCompiler.Compile(new RuleSource(name, kind, RuleLanguage.JavaScript, code), limits ?? RelaxedJs);

    /// <summary>
    /// A first JavaScript call pays for the JIT of Jint's interpreter inside the time budget; on a busy test
    /// machine that can pass 100 ms, so tests that are not about the budget give it room.
    /// </summary>
    public static readonly SandboxLimits RelaxedJs = new() { ScriptTimeBudget = TimeSpan.FromSeconds(10) };

    /// <summary>The budget the JavaScript sandbox tests stop endless code with.</summary>
    public static readonly SandboxLimits TightJs = new() { ScriptTimeBudget = TimeSpan.FromMilliseconds(300) };

    public static ICompiledRule Compile(RuleLanguage language, string code, RuleKind kind = RuleKind.Weight, string name = "test-rule") =>
        language == RuleLanguage.Lua ? Lua(code, kind, name: name) : Js(code, kind, name: name);

    /// <summary>A weight rule that spins forever when job.args.spin is true and returns 2 otherwise.</summary>
    public static string SpinnableWeight(RuleLanguage language, string spin) => language == RuleLanguage.Lua
        ? $"function weight(job, worker)\n  if job.args.spin then\n    {spin}\n  end\n  return 2\nend"
        : $"function weight(job, worker) {{\n  if (job.args.spin) {{\n    {spin}\n  }}\n  return 2;\n}}";

    public static readonly JobFacts Spinning = Job(args: """{"spin":true}""");
}
