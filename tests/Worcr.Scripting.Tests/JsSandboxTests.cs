namespace Worcr.Scripting.Tests;

public sealed class JsSandboxTests
{
    [Theory]
    [InlineData("while (true) { }")]
    [InlineData("for (;;) { }")]
    [InlineData("do { } while (true);")]
    [InlineData("var s = `${(function () { while (true) { } })()}`;")]
    [InlineData("try { while (true) { } } catch (e) { }")]
    [InlineData("while (true) { try { while (true) { } } catch (e) { } finally { } }")]
    [InlineData("try { while (true) { } } finally { while (true) { } }")]
    [InlineData("var it = { next: function () { return { done: false }; } }; it[Symbol.iterator] = function () { return it; }; for (var x of it) { }")]
    [InlineData("[3, 1, 2].sort(function (a, b) { while (true) { } });")]
    public void Endless_code_stops_at_its_budget_and_the_rule_keeps_working(string spin)
    {
        using var rule = Facts.Js(Facts.SpinnableWeight(RuleLanguage.JavaScript, spin), limits: Facts.TightJs, name: "spinner");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        // Loops whose body allocates (try/catch frames do, in optimised builds) may hit the allocation cap before
        // the clock: either limit is a clean stop that names the rule.
        Assert.Matches(@"^rule 'spinner' \(js\) (exceeded its time budget of 300 ms|ran out of memory .+)$", error.Message);
        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Fact]
    public void Runaway_recursion_hits_the_depth_limit_instead_of_killing_the_process()
    {
        using var rule = Facts.Js(Facts.SpinnableWeight(RuleLanguage.JavaScript, "function f(n) { return f(n + 1) + 1; } f(0);"), name: "deep");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.Equal("rule 'deep' (js) exceeded its recursion depth of 256", error.Message);
        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Fact]
    public void Recursion_that_catches_its_own_overflow_still_stops()
    {
        using var rule = Facts.Js(Facts.SpinnableWeight(RuleLanguage.JavaScript, "function f() { try { f(); } catch (e) { } f(); } f();"), limits: Facts.TightJs, name: "deep");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.StartsWith("rule 'deep' (js) exceeded", error.Message);
    }

    [Theory]
    [InlineData("var s = 'x'; while (true) { s = s + s; }")]
    [InlineData("var a = []; while (true) { a.push(new Array(1000).join('x')); }")]
    [InlineData("var a = []; while (true) { a.push({ a: 1, b: 'two' }); }")]
    public void Memory_bombs_stop_and_the_rule_keeps_working(string bomb)
    {
        var limits = new SandboxLimits { ScriptTimeBudget = TimeSpan.FromSeconds(30), JsAllocationBytes = 8 * 1024 * 1024 };
        using var rule = Facts.Js(Facts.SpinnableWeight(RuleLanguage.JavaScript, bomb), limits: limits, name: "hog");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.StartsWith("rule 'hog' (js) ran out of memory", error.Message);
        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Theory]
    [InlineData("eval('1')", "'eval' is not allowed")]
    [InlineData("var f = Function('return 1');", "'Function' is not allowed")]
    [InlineData("var f = (function () { }).constructor;", "'constructor' is not allowed")]
    [InlineData("var f = (function () { })['constructor'];", "the string 'constructor' is not allowed")]
    [InlineData("var p = {}.__proto__;", "'__proto__' is not allowed")]
    [InlineData("with (job) { }", "'with' is not allowed")]
    [InlineData("import('fs');", "'import' is not allowed")]
    [InlineData("var fs = require('fs');", "'require' is not allowed")]
    [InlineData("\\u0065val('1');", "escape sequences")]
    [InlineData("__worcr_guard = function () { };", "reserved")]
    [InlineData("while (true) return 1;", "must be a block")]
    [InlineData("for (;;) ;", "must be a block")]
    [InlineData("do x(); while (true);", "must be a block")]
    public void Forbidden_constructs_are_refused_at_compile_time_with_the_line(string statement, string expected)
    {
        var code = $"function weight(job, worker) {{\n  {statement}\n  return 1;\n}}";

        var error = Assert.Throws<RuleCompileException>(() => Facts.Js(code, name: "sneaky"));

        Assert.Contains(expected, error.Message);
        Assert.StartsWith("rule 'sneaky' (js)", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Deeply_nested_brackets_are_refused_before_the_parser_recurses()
    {
        var code = "function weight(job, worker) { return " + new string('(', 5000) + "1" + new string(')', 5000) + "; }";

        var error = Assert.Throws<RuleCompileException>(() => Facts.Js(code));

        Assert.Contains("nested deeper", error.Message);
    }

    [Theory]
    [InlineData("var k = 'constr' + 'uctor'; (function () { })[k]('while (true) { }')();")]
    [InlineData("var g = this; g['ev' + 'al']('1');")]
    [InlineData("var g = this; g['__wor' + 'cr_guard'] = function () { }; while (true) { }")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd');")]
    [InlineData("importNamespace('System.IO');")]
    public void Dynamic_escapes_fail_at_run_time_and_the_rule_keeps_working(string attempt)
    {
        using var rule = Facts.Js(Facts.SpinnableWeight(RuleLanguage.JavaScript, attempt), limits: Facts.TightJs, name: "sneaky");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.StartsWith("rule 'sneaky' (js)", error.Message);
        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Theory]
    [InlineData("/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!');")]
    [InlineData("new RegExp('(a+)+$').test('aaaa!');")]
    [InlineData("'aaaa!'.match('(a+)+$');")]
    [InlineData("'aaaa!'.search('(a+)+$');")]
    public void Regular_expressions_are_refused_when_the_process_has_no_regex_timeout(string statement)
    {
        // The test host constructs a Regex before this assembly loads, so the default match timeout cannot take
        // effect here: the fail-safe path is the one a test can see. A catastrophic pattern ran 24 s unbounded.
        Assert.False(Worcr.Scripting.Internal.RegexTimeout.IsEffective);
        var code = $"function weight(job, worker) {{\n  {statement}\n  return 1;\n}}";

        var error = Assert.Throws<RuleCompileException>(() => Facts.Js(code, name: "regex"));

        Assert.Contains("regular expressions are not available", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Top_level_code_that_loops_forever_fails_compilation()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Js("while (true) { }\nfunction weight() { return 1; }", limits: Facts.TightJs));

        // The clock or the allocation cap, whichever the loop reaches first (optimised builds allocate faster).
        Assert.Matches("time budget|out of memory", error.Message);
    }
}
