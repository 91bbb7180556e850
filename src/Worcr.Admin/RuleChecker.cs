using System.Text.Json;
using Worcr.Core.Input;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Admin;

/// <summary>
/// Checks a rule sent to the API the way the node would load it: fields complete and known, scripts compiled
/// in the sandbox, tag-match JSON parsed and held to <see cref="TagMatchBounds"/>. Nothing is saved or dispatched with a rule that fails here.
/// </summary>
internal sealed class RuleChecker
{
    private readonly SandboxLimits _limits;

    public RuleChecker(SandboxLimits limits) => _limits = limits;

    /// <summary>The compiled rule (the caller disposes it), or the problem.</summary>
    public (CompiledDraft? Draft, RuleProblem? Problem) Compile(string name, RuleInput input)
    {
        var (rule, problem) = Complete(name, input);
        if (rule is null) return (null, problem);
        return rule.Language == RuleNames.TagMatch ? CompileTagMatch(rule) : CompileScript(rule);
    }

    private static (CheckedRule? Rule, RuleProblem? Problem) Complete(string name, RuleInput input)
    {
        if (!RuleNameFormat.IsValid(name)) return (null, new RuleProblem($"The rule name {TextCheck.Quote(name)} is not valid: use {RuleNameFormat.Description}."));
        if (string.IsNullOrEmpty(input.Kind)) return (null, new RuleProblem("Field 'kind' is required: weight, enqueue, retry or limit_key."));
        if (RuleNames.ParseKind(input.Kind) is null) return (null, new RuleProblem($"Field 'kind' is {TextCheck.Quote(input.Kind)}; use weight, enqueue, retry or limit_key."));
        if (string.IsNullOrEmpty(input.Language)) return (null, new RuleProblem("Field 'language' is required: lua, javascript or tag_match."));
        var language = input.Language == RuleNames.TagMatch ? RuleNames.TagMatch : RuleNames.ParseLanguage(input.Language) is { } parsed ? RuleNames.Language(parsed) : null;
        if (language is null) return (null, new RuleProblem($"Field 'language' is {TextCheck.Quote(input.Language)}; use lua, javascript or tag_match."));
        var (code, problem) = language == RuleNames.TagMatch ? TagMatchCode(input) : ScriptCode(input);
        if (code is null) return (null, problem);
        // Lua and JavaScript take a NUL in a string or a comment, PostgreSQL text does not: the save failed with a 500.
        // The length is the sandbox's to check (MaxCodeLength), when it compiles the code.
        if (TextCheck.Problem(code, "Field 'code'", int.MaxValue) is { } unstorable) return (null, new RuleProblem(unstorable));
        return (new CheckedRule(name, input.Kind, language, code, input.Order ?? 0, input.Enabled ?? true), null);
    }

    private static (string? Code, RuleProblem? Problem) TagMatchCode(RuleInput input)
    {
        if (input.Kind != "weight") return (null, new RuleProblem("A tag_match rule is a weight rule: field 'kind' must be 'weight'."));
        if (input.TagMatch is not { } definition)
        {
            return input.Code is null ? (null, new RuleProblem("Field 'code' (the definition as a JSON string) or 'tag_match' (as an object) is required.")) : (input.Code, null);
        }
        if (input.Code is not null) return (null, new RuleProblem("Send the tag-match definition either as 'code' or as 'tag_match', not both."));
        if (definition.ValueKind != JsonValueKind.Object) return (null, new RuleProblem("Field 'tag_match' must be a JSON object."));
        return (definition.GetRawText(), null);
    }

    private static (string? Code, RuleProblem? Problem) ScriptCode(RuleInput input)
    {
        if (input.TagMatch is not null) return (null, new RuleProblem("Field 'tag_match' only goes with language 'tag_match'."));
        return input.Code is null ? (null, new RuleProblem("Field 'code' is required.")) : (input.Code, null);
    }

    private static (CompiledDraft?, RuleProblem?) CompileTagMatch(CheckedRule rule)
    {
        try
        {
            var parsed = TagMatchDefinition.Parse(rule.Name, rule.Code, rule.Order);
            // Only a rule that applies must be in bounds: a stored rule out of them (saved before they existed) can still be switched off.
            if (rule.Enabled && TagMatchBounds.Problem(parsed) is { } outOfBounds) return (null, new RuleProblem(outOfBounds));
            return (new CompiledDraft(rule, rule.Enabled ? parsed : null, owned: null), null);
        }
        catch (FormatException exception)
        {
            var line = exception.InnerException is JsonException { LineNumber: { } zeroBased } ? (int)zeroBased + 1 : (int?)null;
            return (null, new RuleProblem(exception.Message, line));
        }
    }

    private (CompiledDraft?, RuleProblem?) CompileScript(CheckedRule rule)
    {
        var source = new RuleSource(rule.Name, RuleNames.ParseKind(rule.Kind)!.Value, RuleNames.ParseLanguage(rule.Language)!.Value, rule.Code, rule.Order);
        try
        {
            var compiled = RuleCompiler.Compile(source, _limits);
            var weightRule = source.Kind == RuleKind.Weight && rule.Enabled ? compiled : null;
            return (new CompiledDraft(rule, weightRule, compiled), null);
        }
        catch (RuleCompileException exception)
        {
            return (null, new RuleProblem(exception.Message, exception.Line));
        }
    }
}
