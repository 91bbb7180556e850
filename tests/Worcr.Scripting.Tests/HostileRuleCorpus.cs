using System.Text.RegularExpressions;

namespace Worcr.Scripting.Tests;

/// <summary>Reads the hostile-rule files and runs one the way a node would: compile, then one call of its function.</summary>
public static partial class HostileRuleCorpus
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "HostileRules");

    public static IReadOnlyList<string> Files() =>
        [.. System.IO.Directory.EnumerateFiles(Directory).Where(file => file.EndsWith(".lua", StringComparison.Ordinal) || file.EndsWith(".js", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    public static (RuleSource Source, string Expected) Load(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        var source = RuleFileLoader.LoadFile(path);
        var expected = ExpectLine().Match(source.Code);
        Assert.True(expected.Success, $"{fileName} has no 'expect:' comment");
        return (source, expected.Groups[1].Value.Trim());
    }

    /// <summary>The message the rule fails with, at compile time or at its first call; null if it did not fail.</summary>
    public static string? FirstError(RuleSource source, SandboxLimits? limits = null)
    {
        ICompiledRule rule;
        try
        {
            rule = RuleCompiler.Compile(source, limits);
        }
        catch (RuleCompileException error)
        {
            return error.Message;
        }

        using (rule)
        {
            try
            {
                Call(rule);
                return null;
            }
            catch (RuleExecutionException error)
            {
                return error.Message;
            }
        }
    }

    private static void Call(ICompiledRule rule)
    {
        var job = Facts.Job();
        _ = rule.Source.Kind switch
        {
            RuleKind.Weight => rule.EvaluateWeight(job, Facts.Worker()),
            RuleKind.Enqueue => rule.EvaluateEnqueue(job).Weight ?? 0,
            RuleKind.Retry => rule.EvaluateRetry(job, 1, "boom").Delay.TotalSeconds,
            _ => rule.EvaluateLimitKeys(job).Count,
        };
    }

    [GeneratedRegex(@"^(?://|--) expect: (.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();
}
