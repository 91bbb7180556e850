using System.Text.RegularExpressions;

namespace Worcr.Scripting.Tests;

/// <summary>
/// Every file in HostileRules/ is a rule written to hurt a node: endless loops in every disguise, recursion through
/// conversions and metamethods, memory bombs, loops inside library functions, catastrophic patterns, escape
/// attempts. Its <c>expect:</c> comment is the error it must end with, at compile time or at its first call, under
/// the default budgets except time: 1 s instead of 100 ms, so that a busy machine descheduling the test thread
/// cannot turn an expected error into a time-budget stop. The wait is bounded generously: a call that does not
/// return at all fails the test.
/// </summary>
public sealed class HostileRuleCorpusTests
{
    private static readonly TimeSpan NoAnswer = TimeSpan.FromSeconds(30);
    private static readonly SandboxLimits Limits = new() { ScriptTimeBudget = TimeSpan.FromSeconds(1) };

    public static TheoryData<string> Files() => [.. HostileRuleCorpus.Files().Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Hostile_rule_ends_with_a_clear_error(string file)
    {
        var entry = HostileRuleCorpus.Load(file);

        var message = await Task.Run(() => HostileRuleCorpus.FirstError(entry.Source, Limits)).WaitAsync(NoAnswer);

        Assert.NotNull(message);
        Assert.StartsWith($"rule '{entry.Source.Name}' ({(entry.Source.Language == RuleLanguage.Lua ? "lua" : "js")})", message);
        Assert.True(Regex.IsMatch(message, entry.Expected), $"'{message}' does not match '{entry.Expected}'");
    }

    [Fact]
    public void The_corpus_covers_both_languages_and_every_kind_of_attack()
    {
        var names = HostileRuleCorpus.Files().Select(Path.GetFileNameWithoutExtension).ToList();

        foreach (var prefix in new[] { "loop-", "recursion-", "memory-", "escape-", "toplevel-" })
        {
            Assert.Contains(names, name => name!.StartsWith(prefix, StringComparison.Ordinal));
        }

        Assert.Contains(HostileRuleCorpus.Files(), file => file.EndsWith(".lua", StringComparison.Ordinal));
        Assert.Contains(HostileRuleCorpus.Files(), file => file.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(names, name => name!.StartsWith("c-", StringComparison.Ordinal) || name.StartsWith("pattern-", StringComparison.Ordinal));
        Assert.Contains(names, name => name!.StartsWith("regex-", StringComparison.Ordinal));
    }
}
