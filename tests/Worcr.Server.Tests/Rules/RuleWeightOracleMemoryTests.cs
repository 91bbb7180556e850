using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Server.Rules;

namespace Worcr.Server.Tests.Rules;

public sealed class RuleWeightOracleMemoryTests
{
    [Fact]
    public void Decisions_for_endless_lanes_and_workers_stay_within_the_bound()
    {
        var oracle = new RuleWeightOracle(() => RuleBook.Empty, _ => { });
        var types = new HashSet<string>(StringComparer.Ordinal) { "email" };

        for (var i = 0; i < RuleWeightOracle.DecisionsKept + 20_000; i++)
        {
            var lane = new Lane(i, "acme", "email", [$"order-{i}"], 1);
            Assert.Equal(1, oracle.Multiplier(lane, new WorkerProfile($"w{i % 7}", [], types)));
        }

        Assert.InRange(oracle.CachedDecisions, 1, RuleWeightOracle.DecisionsKept);
    }
}
