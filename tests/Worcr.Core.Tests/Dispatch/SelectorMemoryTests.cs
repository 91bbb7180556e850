using Worcr.Core.Dispatch;
using Worcr.Core.Fairness;
using Worcr.Core.Lanes;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch;

/// <summary>The selectors remember lanes and tenants they served; what they remember stays bounded by what is active.</summary>
public sealed class SelectorMemoryTests
{
    private static readonly WorkerProfile Worker = new("w1", [], new HashSet<string>(StringComparer.Ordinal) { "email" });

    private sealed class EqualOracle : IWeightOracle
    {
        public double Multiplier(Lane lane, WorkerProfile worker) => 1;
    }

    [Fact]
    public void A_stream_of_lanes_each_served_once_leaves_the_weighted_selector_remembering_a_bounded_number()
    {
        var selector = new WeightedLaneSelector(new EqualOracle(), TimeSpan.FromHours(1));
        var steady = State(1, 1_000_000);

        for (var id = 2; id < 100_000; id++)
        {
            // A new lane appears, is served once and is never seen again; a steady lane competes all along.
            LaneState[] lanes = [steady, State(id, 1)];
            var lane = selector.Select(lanes, Worker, T0)!;
            selector.Claimed(lane, Worker, 1, T0);
        }

        Assert.InRange(selector.RememberedLanes, 1, WeightedLaneSelector.MaxRemembered + 1);
    }

    [Fact]
    public void Forgetting_lanes_behind_the_virtual_time_changes_no_share()
    {
        var selector = new WeightedLaneSelector(new EqualOracle(), TimeSpan.FromHours(1));
        var lanes = Enumerable.Range(1, 3000).Select(id => State(id, 1_000_000)).ToArray();
        var counts = new Dictionary<long, int>();

        for (var i = 0; i < 30_000; i++)
        {
            var lane = selector.Select(lanes, Worker, T0)!;
            counts[lane.Lane.Id] = counts.GetValueOrDefault(lane.Lane.Id) + 1;
            selector.Claimed(lane, Worker, 1, T0);
        }

        // Equal weights: every lane got its turn ten times, pruning or not.
        Assert.All(lanes, lane => Assert.Equal(10, counts[lane.Lane.Id]));
    }

    [Fact]
    public void Tenants_that_went_away_long_ago_are_forgotten_by_the_fair_selector()
    {
        var selector = new FairLaneSelector(new EqualOracle(), _ => FairnessStrategy.RoundRobin, EqualTenantShares.Instance, new LocalGroupUsage(), TimeSpan.FromHours(1));
        var now = T0;

        for (var tenant = 0; tenant < 20_000; tenant++)
        {
            // Each tenant shows up once, one minute after the previous one.
            LaneState[] lanes = [new(new Lane(tenant + 1, $"t{tenant}", "email", [], 1), 1, now)];
            var lane = selector.Select(lanes, Worker, now)!;
            selector.Claimed(lane, Worker, 1, now);
            now = now.AddMinutes(1);
        }

        Assert.InRange(selector.RememberedGroups, 1, 2 * (2 * 1024 + 1));
    }
}
