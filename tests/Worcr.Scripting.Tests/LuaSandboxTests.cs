namespace Worcr.Scripting.Tests;

public sealed class LuaSandboxTests
{
    [Theory]
    [InlineData("os.execute('echo hacked')")]
    [InlineData("io.open('/etc/passwd')")]
    [InlineData("require('os')")]
    [InlineData("load('return 1')")]
    [InlineData("loadstring('return 1')")]
    [InlineData("dofile('/etc/passwd')")]
    [InlineData("luanet.import_type('System.IO.File')")]
    [InlineData("debug.getinfo(1)")]
    [InlineData("package.loadlib('x', 'y')")]
    [InlineData("collectgarbage()")]
    [InlineData("string.dump(weight)")]
    [InlineData("math.random()")]
    [InlineData("xpcall(weight, print)")]
    [InlineData("string.find('aaa', 'a')")]
    [InlineData("('aaa'):find('a')")]
    [InlineData("('aaa'):gsub('a', 'b')")]
    [InlineData("setmetatable({}, {})")]
    [InlineData("rawset(_G, 'x', 1)")]
    [InlineData("_G.os.exit()")]
    public void Forbidden_function_fails_with_an_error_naming_the_rule(string call)
    {
        using var rule = Facts.Lua($"function weight(job, worker) {call} return 1 end", name: "sneaky");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.StartsWith("rule 'sneaky' (lua) threw:", error.Message);
    }

    [Fact]
    public void Shared_libraries_are_read_only()
    {
        using var rule = Facts.Lua("function weight(job, worker) string.upper = nil return 1 end");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Contains("string is read-only", error.Message);
    }

    [Fact]
    public void Allowed_libraries_still_work()
    {
        using var rule = Facts.Lua("""
            function limit_keys(job)
              local parts = { 'b', 'a' }
              table.sort(parts)
              return { string.upper('x') .. ('y'):rep(2), string.format('%d', math.floor(2.7)), table.concat(parts, ','), tostring(utf8.len('hé')) }
            end
            """, RuleKind.LimitKey);

        Assert.Equal(["Xyy", "2", "a,b", "2"], rule.EvaluateLimitKeys(Facts.Job()));
    }

    [Theory]
    [InlineData("while true do end")]
    [InlineData("for i = 1, math.huge do end")]
    [InlineData("repeat until false")]
    [InlineData("local function f() return f() end return f()")]
    [InlineData("pcall(function() while true do end end)")]
    [InlineData("while true do pcall(function() while true do end end) end")]
    public void Endless_code_stops_at_the_instruction_budget_and_the_rule_keeps_working(string spin)
    {
        using var rule = Facts.Lua(Facts.SpinnableWeight(RuleLanguage.Lua, spin), name: "spinner");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.Equal("rule 'spinner' (lua) exceeded its instruction budget of 1000000", error.Message);
        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Fact]
    public void Sort_comparators_are_refused_because_the_budget_cannot_stop_them()
    {
        using var rule = Facts.Lua("function weight(job, worker) table.sort({ 3, 1, 2 }, function(a, b) while true do end end) return 1 end");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Contains("comparator", error.Message);
    }

    [Theory]
    [InlineData("local s = string.rep('x', 1e9)")]
    [InlineData("local t = {} for i = 1, 200 do t[i] = string.rep('x', 1024 * 1024) .. i end")]
    [InlineData("local t = {} for i = 1, 1e7 do t[i] = { i } end")]
    [InlineData("local s = 'x' while true do s = s .. s end")]
    public void Memory_bombs_hit_the_memory_cap_and_the_rule_keeps_working(string bomb)
    {
        var limits = new SandboxLimits { LuaInstructionBudget = 100_000_000, ScriptTimeBudget = TimeSpan.FromSeconds(30) };
        using var rule = Facts.Lua(Facts.SpinnableWeight(RuleLanguage.Lua, bomb), limits: limits, name: "hog");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.StartsWith("rule 'hog' (lua) ran out of memory", error.Message);
        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Fact]
    public void Deep_recursion_fails_cleanly_and_the_rule_keeps_working()
    {
        var limits = new SandboxLimits { LuaInstructionBudget = 100_000_000, ScriptTimeBudget = TimeSpan.FromSeconds(30) };
        using var rule = Facts.Lua(Facts.SpinnableWeight(RuleLanguage.Lua, "local function f(n) return 1 + f(n + 1) end f(1)"), limits: limits, name: "deep");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.StartsWith("rule 'deep' (lua)", error.Message);
        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Fact]
    public void Many_aborted_runs_leave_the_state_usable()
    {
        using var rule = Facts.Lua(Facts.SpinnableWeight(RuleLanguage.Lua, "while true do end"), limits: new SandboxLimits { LuaInstructionBudget = 1_000, ScriptTimeBudget = TimeSpan.FromSeconds(30) });

        for (var i = 0; i < 200; i++)
        {
            Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));
        }

        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Fact]
    public void Job_values_are_plain_tables_without_clr_objects()
    {
        using var rule = Facts.Lua("""
            function weight(job, worker)
              if type(job) == 'table' and type(job.args) == 'table' and type(worker.tags) == 'table' and job.GetType == nil then return 1 end
              return 0
            end
            """);

        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(args: """{"a":{"b":[1]}}"""), Facts.Worker()));
    }

    [Fact]
    public void Globals_a_rule_sets_stay_in_its_own_environment()
    {
        using var first = Facts.Lua("counter = 41 function weight(job, worker) counter = counter + 1 return counter end");
        using var second = Facts.Lua("function weight(job, worker) if counter == nil then return 1 end return 0 end");

        Assert.Equal(42, first.EvaluateWeight(Facts.Job(), Facts.Worker()));
        Assert.Equal(1, second.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }
}
