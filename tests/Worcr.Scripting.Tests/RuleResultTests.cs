namespace Worcr.Scripting.Tests;

public sealed class RuleResultTests
{
    [Theory]
    [InlineData(RuleLanguage.Lua, "function weight(job, worker) return '10' end", "rule 'typed' (lua) returned a string where a number was expected")]
    [InlineData(RuleLanguage.JavaScript, "function weight(job, worker) { return '10'; }", "rule 'typed' (js) returned a string where a number was expected")]
    [InlineData(RuleLanguage.Lua, "function weight(job, worker) return nil end", "rule 'typed' (lua) returned nil where a number was expected")]
    [InlineData(RuleLanguage.JavaScript, "function weight(job, worker) { }", "rule 'typed' (js) returned undefined where a number was expected")]
    [InlineData(RuleLanguage.Lua, "function weight(job, worker) return -1 end", "rule 'typed' (lua) returned the weight -1")]
    [InlineData(RuleLanguage.JavaScript, "function weight(job, worker) { return 0 / 0; }", "rule 'typed' (js) returned NaN")]
    [InlineData(RuleLanguage.Lua, "function weight(job, worker) return weight end", "rule 'typed' (lua) returned a function")]
    public void Weight_of_the_wrong_type_is_an_execution_error(RuleLanguage language, string code, string expected)
    {
        using var rule = Facts.Compile(language, code, name: "typed");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.StartsWith(expected, error.Message);
    }

    [Theory]
    [InlineData(RuleLanguage.Lua, "function on_enqueue(job) return { expire_at = 1 } end", "unknown change 'expire_at'")]
    [InlineData(RuleLanguage.JavaScript, "function on_enqueue(job) { return { max_attempts: 1.5 }; }", "'max_attempts' = 1.5")]
    [InlineData(RuleLanguage.Lua, "function on_enqueue(job) return { tags = { 1 } } end", "a number where only strings in tags was expected")]
    [InlineData(RuleLanguage.JavaScript, "function on_enqueue(job) { return 5; }", "returned a number where an object of changes was expected")]
    public void Malformed_enqueue_changes_are_execution_errors(RuleLanguage language, string code, string expected)
    {
        using var rule = Facts.Compile(language, code, RuleKind.Enqueue);

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateEnqueue(Facts.Job()));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Retry_rule_returning_true_is_an_error()
    {
        using var rule = Facts.Lua("function retry() return true end", RuleKind.Retry);

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateRetry(Facts.Job(), 1, "x"));

        Assert.Contains("returned a boolean where a number of seconds or false was expected", error.Message);
    }

    [Theory]
    [InlineData(RuleLanguage.Lua)]
    [InlineData(RuleLanguage.JavaScript)]
    public void Calling_a_method_of_another_kind_is_an_invalid_operation(RuleLanguage language)
    {
        using var rule = Facts.Compile(language, language == RuleLanguage.Lua ? "function weight() return 1 end" : "function weight() { return 1; }");

        Assert.Throws<InvalidOperationException>(() => rule.EvaluateRetry(Facts.Job(), 1, "x"));
        Assert.Throws<InvalidOperationException>(() => rule.EvaluateEnqueue(Facts.Job()));
        Assert.Throws<InvalidOperationException>(() => rule.EvaluateLimitKeys(Facts.Job()));
    }

    [Fact]
    public void Invalid_job_args_json_names_the_rule()
    {
        using var rule = Facts.Lua("function weight() return 1 end", name: "args");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(args: "{not json"), Facts.Worker()));

        Assert.StartsWith("rule 'args' (lua) could not read the job's args", error.Message);
    }

    [Theory]
    [InlineData(RuleLanguage.Lua, "function limit_keys(job) local t = {} for i = 1, 20000 do t[i] = 'k' end return t end")]
    [InlineData(RuleLanguage.JavaScript, "function limit_keys(job) { var t = []; for (var i = 0; i < 20000; i++) { t.push('k'); } return t; }")]
    public void Oversized_results_are_refused(RuleLanguage language, string code)
    {
        using var rule = Facts.Compile(language, code, RuleKind.LimitKey);

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateLimitKeys(Facts.Job()));

        Assert.Contains("more than 10000 entries", error.Message);
    }

    [Theory]
    [InlineData(RuleLanguage.Lua, "function weight(job, worker) error(string.rep('x', 100000)) end")]
    [InlineData(RuleLanguage.JavaScript, "function weight(job, worker) { throw new Error('x'.repeat(100000)); }")]
    public void Long_error_messages_are_cut_keeping_the_start_and_the_line(RuleLanguage language, string code)
    {
        using var rule = Facts.Compile(language, code, name: "loud");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        AssertCut(error.Message, $"rule 'loud' ({(language == RuleLanguage.Lua ? "lua" : "js")}) threw: ");
    }

    [Fact]
    public void A_long_error_while_loading_is_cut_too()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Js("throw new Error('x'.repeat(100000));\nfunction weight() { return 1; }", name: "loud"));

        AssertCut(error.Message, "rule 'loud' (js) failed while loading: threw: Error: xxx");
    }

    private static void AssertCut(string message, string start)
    {
        Assert.StartsWith(start, message);
        Assert.Contains("characters cut) … xxx", message);
        Assert.EndsWith("x (line 1)", message);
        Assert.True(message.Length < 1100, $"the message is {message.Length} characters long");
    }

    [Theory]
    [InlineData(RuleLanguage.Lua, "local a = {} for i = 1, 10000 do a[i] = 'k' end local b = {} for i = 1, 10000 do b[i] = a end local c = {} for i = 1, 10000 do c[i] = b end return c", "more than 100000 values in all")]
    [InlineData(RuleLanguage.JavaScript, "const a = new Array(10000).fill('k'); const b = new Array(10000).fill(a); return new Array(10000).fill(b);", "more than 100000 values in all")]
    [InlineData(RuleLanguage.Lua, "local s = string.rep('x', 100000) local t = {} for i = 1, 100 do t[i] = s end return t", "more than 1048576 bytes of strings in all")]
    [InlineData(RuleLanguage.JavaScript, "const s = 'x'.repeat(100000); return new Array(100).fill(s);", "more than 1048576 bytes of strings in all")]
    public async Task Results_are_bounded_as_a_whole_however_often_they_share_a_value(RuleLanguage language, string body, string expected)
    {
        // Each table here is within the caps per table; reached through shared references, the first held 10^12 values.
        var code = language == RuleLanguage.Lua ? $"function limit_keys(job) {body} end" : $"function limit_keys(job) {{ {body} }}";
        using var rule = Facts.Compile(language, code, RuleKind.LimitKey);

        var error = await Assert.ThrowsAsync<RuleExecutionException>(() => Task.Run(() => rule.EvaluateLimitKeys(Facts.Job())).WaitAsync(NoAnswer));

        Assert.Contains(expected, error.Message);
    }

    /// <summary>Only a guard against a read that never ends; the calls above end at once.</summary>
    private static readonly TimeSpan NoAnswer = TimeSpan.FromSeconds(30);
}
