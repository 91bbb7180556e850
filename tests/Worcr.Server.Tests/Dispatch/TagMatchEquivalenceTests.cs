using Worcr.Scripting;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Dispatch;

/// <summary>The GUI's code-free tag-match rules must decide exactly as the shipped script examples they stand for.</summary>
public sealed class TagMatchEquivalenceTests
{
    private static readonly string[][] TagSets = [[], ["premium"], ["premium", "email"], ["email"], ["vip"]];

    private static ICompiledRule Example(string fileName) =>
        RuleCompiler.Compile(RuleFileLoader.LoadFile(Path.Combine(RepositoryPaths.Root, "rules", fileName)));

    private static void AssertSameDecisions(IWeightRule script, IWeightRule tagMatch)
    {
        foreach (var jobTags in TagSets)
        {
            foreach (var workerTags in TagSets)
            {
                var job = new JobFacts("test.echo", "acme", jobTags, "{}", 1, DateTimeOffset.UnixEpoch);
                var worker = new WorkerFacts("w1", workerTags, ["test.echo"]);
                Assert.True(script.EvaluateWeight(job, worker) == tagMatch.EvaluateWeight(job, worker),
                    $"job [{string.Join(',', jobTags)}] on worker [{string.Join(',', workerTags)}]");
            }
        }
    }

    [Fact]
    public void The_premium_boost_tag_match_decides_like_premium_boost_lua()
    {
        using var script = Example("premium-boost.lua");
        var tagMatch = new TagMatchRule("premium-boost", ["premium"], [], [], ["premium"], [], [], TagMatchAction.Multiply, 10);

        AssertSameDecisions(script, tagMatch);
    }

    [Fact]
    public void The_reserved_premium_workers_tag_match_decides_like_its_lua_script()
    {
        using var script = Example("premium-workers-only-premium.lua");
        var tagMatch = new TagMatchRule("reserved", [], [], ["premium"], ["premium"], [], [], TagMatchAction.Forbid);

        AssertSameDecisions(script, tagMatch);
    }
}
