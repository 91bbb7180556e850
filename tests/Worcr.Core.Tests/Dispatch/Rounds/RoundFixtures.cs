using Worcr.Core.Dispatch;
using Worcr.Core.Fairness;
using Worcr.Core.Lanes;

namespace Worcr.Core.Tests.Dispatch.Rounds;

/// <summary>Workers, lanes and selectors for round tests.</summary>
internal static class RoundFixtures
{
    public static readonly TimeSpan AgingPeriod = TimeSpan.FromHours(1);

    public static WorkerProfile Profile(string id, params string[] tags) =>
        new(id, tags, new HashSet<string>(StringComparer.Ordinal) { "email" });

    public static WorkerCredits Worker(string id, int credits, params string[] tags) => new(Profile(id, tags), credits);

    public static Lane Lane(long id, string tenant = "acme", double weight = 1, params string[] tags) => new(id, tenant, "email", tags, weight);

    public static WeightedLaneSelector Weighted(Func<Lane, WorkerProfile, double>? multiplier = null) =>
        new(new Oracle(multiplier ?? ((_, _) => 1)), AgingPeriod);

    public static FairLaneSelector Fair(FairnessStrategy strategy) =>
        new(new Oracle((_, _) => 1), _ => strategy, EqualTenantShares.Instance, new LocalGroupUsage(), AgingPeriod);

    private sealed class Oracle(Func<Lane, WorkerProfile, double> multiplier) : IWeightOracle
    {
        public double Multiplier(Lane lane, WorkerProfile worker) => multiplier(lane, worker);
    }
}
