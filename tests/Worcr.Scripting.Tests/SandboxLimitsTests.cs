namespace Worcr.Scripting.Tests;

public sealed class SandboxLimitsTests
{
    [Fact]
    public void Defaults_are_the_documented_budgets()
    {
        var limits = new SandboxLimits();

        Assert.Equal(1_000_000, limits.LuaInstructionBudget);
        Assert.Equal(16 * 1024 * 1024, limits.LuaMemoryBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(100), limits.ScriptTimeBudget);
        Assert.Equal(256, limits.JsRecursionDepth);
        Assert.Equal(1_000_000, limits.JsStatementBudget);
        Assert.Equal(64 * 1024 * 1024, limits.JsAllocationBytes);
        Assert.Equal(64 * 1024, limits.MaxCodeLength);
    }

    [Theory]
    [InlineData(nameof(SandboxLimits.LuaInstructionBudget))]
    [InlineData(nameof(SandboxLimits.LuaMemoryBytes))]
    [InlineData(nameof(SandboxLimits.ScriptTimeBudget))]
    [InlineData(nameof(SandboxLimits.JsRecursionDepth))]
    [InlineData(nameof(SandboxLimits.MaxCodeLength))]
    [InlineData(nameof(SandboxLimits.JsAllocationBytes))]
    [InlineData(nameof(SandboxLimits.JsStatementBudget))]
    public void Invalid_setting_is_named_in_the_error(string field)
    {
        var limits = field switch
        {
            nameof(SandboxLimits.LuaInstructionBudget) => new SandboxLimits { LuaInstructionBudget = 0 },
            nameof(SandboxLimits.LuaMemoryBytes) => new SandboxLimits { LuaMemoryBytes = 10 },
            nameof(SandboxLimits.ScriptTimeBudget) => new SandboxLimits { ScriptTimeBudget = TimeSpan.Zero },
            nameof(SandboxLimits.JsRecursionDepth) => new SandboxLimits { JsRecursionDepth = 0 },
            nameof(SandboxLimits.MaxCodeLength) => new SandboxLimits { MaxCodeLength = 0 },
            nameof(SandboxLimits.JsStatementBudget) => new SandboxLimits { JsStatementBudget = 10 },
            _ => new SandboxLimits { JsAllocationBytes = 0 },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RuleCompiler.Compile(new RuleSource("r", RuleKind.Weight, RuleLanguage.Lua, "function weight() return 1 end"), limits));

        Assert.Contains($"SandboxLimits.{field}", error.Message);
    }

    [Theory]
    [InlineData(RuleLanguage.Lua)]
    [InlineData(RuleLanguage.JavaScript)]
    public void Code_over_the_length_limit_is_refused_at_compile_time(RuleLanguage language)
    {
        var source = new RuleSource("big", RuleKind.Weight, language, new string(' ', 70_000));

        var error = Assert.Throws<RuleCompileException>(() => RuleCompiler.Compile(source));

        Assert.Contains("MaxCodeLength", error.Message);
    }
}
