namespace Worcr.Scripting.Tests;

/// <summary>
/// A Lua rule's errors name the rule's own line, as JavaScript rules' do, wherever the error was raised: in the rule,
/// in a library function it called with bad arguments (which Lua reports at the sandbox's wrapper), or with no
/// position at all.
/// </summary>
public sealed class LuaErrorLineTests
{
    [Fact]
    public void Error_in_the_rule_reads_like_a_javascript_rule_error()
    {
        using var lua = Facts.Lua("function weight(job, worker)\n  error('no weight for you')\nend", name: "grumpy");
        using var js = Facts.Js("function weight(job, worker) {\n  throw new Error('no weight for you');\n}", name: "grumpy");

        var luaError = Assert.Throws<RuleExecutionException>(() => lua.EvaluateWeight(Facts.Job(), Facts.Worker()));
        var jsError = Assert.Throws<RuleExecutionException>(() => js.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal("rule 'grumpy' (lua) threw: no weight for you (line 2)", luaError.Message);
        Assert.Equal("rule 'grumpy' (js) threw: Error: no weight for you (line 2)", jsError.Message);
    }

    [Theory]
    [InlineData("string.rep('x', {})", "bad argument #2 to 'rep'")]
    [InlineData("string.rep('x', 3, {})", "bad argument #3 to 'rep'")]
    [InlineData("string.format('%d', 'x')", "bad argument #2 to 'format'")]
    [InlineData("table.concat({ {} })", "invalid value")]
    [InlineData("table.move({}, 1, 'x', 1)", "bad argument #3 to 'move'")]
    [InlineData("table.sort({ 2, 1 }, function(a, b) return a < b end)", "table.sort with a comparator is not available in rules")]
    [InlineData("utf8.len({})", "bad argument #1 to")]
    [InlineData("string.upper()", "bad argument #1 to 'upper'")]
    public void Bad_arguments_to_a_library_function_name_the_rule_line_that_called_it(string call, string expected)
    {
        using var rule = Facts.Lua($"function weight(job, worker)\n  local n = 1\n  local s = {call}\n  return n\nend", name: "caller");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.StartsWith("rule 'caller' (lua) threw: ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.EndsWith("(line 3)", error.Message);
        Assert.DoesNotContain("sandbox", error.Message);
    }

    [Fact]
    public void Error_in_a_nested_function_names_the_line_of_the_error_call()
    {
        using var rule = Facts.Lua("""
            local function check(tags)
              if #tags == 0 then
                error('no tags')
              end
            end
            function weight(job, worker)
              check(job.tags)
              return 1
            end
            """, name: "nested");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal("rule 'nested' (lua) threw: no tags (line 3)", error.Message);
    }

    [Fact]
    public void Error_raised_at_level_2_names_the_callers_line_as_its_author_asked()
    {
        using var rule = Facts.Lua("""
            local function need(value)
              if value == nil then error('value missing', 2) end
              return value
            end
            function weight(job, worker)
              local a = need(1)
              local b = need(nil)
              return a + b
            end
            """, name: "blame");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal("rule 'blame' (lua) threw: value missing (line 7)", error.Message);
    }

    [Theory]
    [InlineData("error('no position', 0)", "no position")]
    [InlineData("error({ code = 1 })", "(a table was raised as the error)")]
    public void Error_without_a_position_gets_the_line_it_was_raised_on(string raise, string expected)
    {
        using var rule = Facts.Lua($"function weight(job, worker)\n\n  {raise}\nend", name: "bare");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal($"rule 'bare' (lua) threw: {expected} (line 3)", error.Message);
    }

    [Fact]
    public void Error_in_top_level_code_fails_compilation_with_its_line()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Lua("local x = 1\nlocal s = string.rep('x', {})\nfunction weight() return 1 end", name: "top"));

        Assert.Equal(2, error.Line);
        Assert.Contains("bad argument #2 to 'rep'", error.Message);
        Assert.EndsWith("(line 2)", error.Message);
    }

    [Fact]
    public void Rule_keeps_working_after_an_error_inside_a_library_function()
    {
        using var rule = Facts.Lua(Facts.SpinnableWeight(RuleLanguage.Lua, "string.rep('x', {})"));

        Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }
}
