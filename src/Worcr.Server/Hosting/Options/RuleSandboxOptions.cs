using Worcr.Scripting;

namespace Worcr.Server.Hosting;

/// <summary>
/// The budgets every rule runs under on this node, and its weight-rule breakers: dispatch, the admin test bench, explain
/// and dry run all compile through them. Each default is <see cref="SandboxLimits"/>'s; docs/rules.md says what each
/// one stops and how its error reads.
/// </summary>
public sealed class RuleSandboxOptions
{
    /// <inheritdoc cref="SandboxLimits.ScriptTimeBudget"/>
    public TimeSpan ScriptTimeBudget { get; set; } = SandboxLimits.Default.ScriptTimeBudget;

    /// <inheritdoc cref="SandboxLimits.LuaInstructionBudget"/>
    public int LuaInstructionBudget { get; set; } = SandboxLimits.Default.LuaInstructionBudget;

    /// <inheritdoc cref="SandboxLimits.LuaMemoryBytes"/>
    public long LuaMemoryBytes { get; set; } = SandboxLimits.Default.LuaMemoryBytes;

    /// <inheritdoc cref="SandboxLimits.JsStatementBudget"/>
    public int JsStatementBudget { get; set; } = SandboxLimits.Default.JsStatementBudget;

    /// <inheritdoc cref="SandboxLimits.JsAllocationBytes"/>
    public long JsAllocationBytes { get; set; } = SandboxLimits.Default.JsAllocationBytes;

    /// <inheritdoc cref="SandboxLimits.JsRecursionDepth"/>
    public int JsRecursionDepth { get; set; } = SandboxLimits.Default.JsRecursionDepth;

    /// <summary>Longest rule source accepted, in characters (<see cref="SandboxLimits.MaxCodeLength"/>).</summary>
    public int MaxRuleCodeLength { get; set; } = SandboxLimits.Default.MaxCodeLength;

    /// <inheritdoc cref="SandboxLimits.WeightBreakerTripAfter"/>
    public int WeightBreakerTripAfter { get; set; } = SandboxLimits.Default.WeightBreakerTripAfter;

    /// <inheritdoc cref="SandboxLimits.WeightBreakerCoolDown"/>
    public TimeSpan WeightBreakerCoolDown { get; set; } = SandboxLimits.Default.WeightBreakerCoolDown;

    internal SandboxLimits ToLimits() => new()
    {
        ScriptTimeBudget = ScriptTimeBudget,
        LuaInstructionBudget = LuaInstructionBudget,
        LuaMemoryBytes = LuaMemoryBytes,
        JsStatementBudget = JsStatementBudget,
        JsAllocationBytes = JsAllocationBytes,
        JsRecursionDepth = JsRecursionDepth,
        MaxCodeLength = MaxRuleCodeLength,
        WeightBreakerTripAfter = WeightBreakerTripAfter,
        WeightBreakerCoolDown = WeightBreakerCoolDown,
    };
}

internal sealed class RuleSandboxOptionsValidator : SettingsValidator<RuleSandboxOptions>
{
    // The sandbox's own checks, so a node refuses at start exactly what RuleCompiler would refuse at the first rule.
    public override IEnumerable<string> Problems(RuleSandboxOptions options) =>
        options.ToLimits().Problems().Select(problem => $"{SettingName(problem.Setting)} {problem.Value} must be {problem.Expectation}.");

    private static string SettingName(string sandboxSetting) =>
        sandboxSetting == nameof(SandboxLimits.MaxCodeLength) ? nameof(RuleSandboxOptions.MaxRuleCodeLength) : sandboxSetting;
}
