namespace Worcr.Scripting.Tests;

/// <summary>
/// A failed call says which budget ran out (<see cref="RuleExecutionException.Kind"/>), so a node can tell a rule that
/// is as slow as the sandbox allows (which trips its <see cref="WeightRuleBreaker"/>) from one that merely errs.
/// </summary>
public sealed class RuleFailureKindTests
{
    private static readonly SandboxLimits TimeOnly = new()
    {
        ScriptTimeBudget = TimeSpan.FromMilliseconds(50), LuaInstructionBudget = int.MaxValue, JsStatementBudget = int.MaxValue,
    };

    public static TheoryData<string, RuleLanguage, string, RuleFailureKind> Failures() => new()
    {
        { "lua endless loop, time first", RuleLanguage.Lua, "function weight(job, worker) while true do end end", RuleFailureKind.TimeBudget },
        { "js endless loop, time first", RuleLanguage.JavaScript, "function weight(job, worker) { while (true) {} }", RuleFailureKind.TimeBudget },
        { "lua endless loop", RuleLanguage.Lua, "function weight(job, worker) while true do end end", RuleFailureKind.WorkBudget },
        { "js endless loop", RuleLanguage.JavaScript, "function weight(job, worker) { while (true) {} }", RuleFailureKind.WorkBudget },
        { "lua memory flood", RuleLanguage.Lua, "function weight(job, worker) local t = {} local i = 0 while true do i = i + 1 t[i] = string.rep('x', 1000) .. i end end", RuleFailureKind.MemoryBudget },
        { "js memory flood", RuleLanguage.JavaScript, "function weight(job, worker) { const a = []; while (true) a.push('x'.repeat(1000) + a.length); }", RuleFailureKind.MemoryBudget },
        { "lua error", RuleLanguage.Lua, "function weight(job, worker) error('no') end", RuleFailureKind.Error },
        { "js error", RuleLanguage.JavaScript, "function weight(job, worker) { throw new Error('no'); }", RuleFailureKind.Error },
        { "js wrong result", RuleLanguage.JavaScript, "function weight(job, worker) { return 'heavy'; }", RuleFailureKind.Error },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failed_call_names_the_budget_that_ran_out_or_none(string what, RuleLanguage language, string code, RuleFailureKind expected)
    {
        var limits = what.EndsWith("time first", StringComparison.Ordinal) ? TimeOnly : Bounded(language);
        using var rule = RuleCompiler.Compile(new RuleSource("kind", RuleKind.Weight, language, code), limits);

        var failure = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal(expected, failure.Kind);
        Assert.Equal(expected != RuleFailureKind.Error, failure.ExhaustedBudget);
    }

    /// <summary>Default work budgets and little memory, with a clock too generous to stop first on a busy machine.</summary>
    private static SandboxLimits Bounded(RuleLanguage language) => language == RuleLanguage.Lua
        ? new() { ScriptTimeBudget = TimeSpan.FromSeconds(30), LuaMemoryBytes = 256 * 1024 }
        : new() { ScriptTimeBudget = TimeSpan.FromSeconds(10), JsAllocationBytes = 1024 * 1024 };
}
