using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch;

public sealed class WeightedLaneSelectorTests
{
    private static readonly WorkerProfile Worker = new("w1", ["premium"], new HashSet<string>(StringComparer.Ordinal) { "email" });

    /// <summary>Multipliers by lane id; lanes not listed get 1.</summary>
    private sealed class FixedOracle(Dictionary<long, double> multipliers) : IWeightOracle
    {
        public double Multiplier(Lane lane, WorkerProfile worker) => multipliers.GetValueOrDefault(lane.Id, 1);
    }

    private static Dictionary<long, int> Simulate(WeightedLaneSelector selector, LaneState[] lanes, int claims, int batch = 1)
    {
        var counts = lanes.ToDictionary(l => l.Lane.Id, _ => 0);
        for (var i = 0; i < claims; i++)
        {
            var lane = selector.Select(lanes, Worker, T0) ?? throw new InvalidOperationException("nothing selected");
            counts[lane.Lane.Id] += batch;
            selector.Claimed(lane, Worker, batch, T0);
        }
        return counts;
    }

    [Fact]
    public void A_lane_weighing_ten_times_more_gets_ten_times_the_jobs()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new() { [1] = 10 }), TimeSpan.FromHours(1));
        LaneState[] lanes = [State(1, 1_000_000), State(2, 1_000_000)];

        var counts = Simulate(selector, lanes, claims: 5500);

        Assert.Equal(10.0, (double)counts[1] / counts[2], precision: 1);
    }

    [Fact]
    public void Shares_stay_proportional_when_claims_come_in_batches()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new() { [1] = 3 }), TimeSpan.FromHours(1));
        LaneState[] lanes = [State(1, 1_000_000), State(2, 1_000_000)];

        var counts = Simulate(selector, lanes, claims: 400, batch: 25);

        Assert.InRange((double)counts[1] / counts[2], 2.7, 3.3);
    }

    [Fact]
    public void A_lane_of_the_smallest_positive_weight_is_served_again_after_its_first_claim()
    {
        // A producer may send any weight above 0, and a rule any multiplier: here the score is 1e-320.
        var selector = new WeightedLaneSelector(new FixedOracle(new() { [1] = 1e-320 }), TimeSpan.FromHours(1));
        LaneState[] lanes = [State(1, 10)];

        var first = selector.Select(lanes, Worker, T0) ?? throw new InvalidOperationException("nothing selected");
        selector.Claimed(first, Worker, 1, T0);

        Assert.Equal(1, selector.Select(lanes, Worker, T0)?.Lane.Id);
    }

    [Fact]
    public void After_a_lane_of_a_tiny_weight_had_its_turns_the_other_lanes_still_share_by_weight()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new() { [1] = 1e-300, [2] = 10 }), TimeSpan.FromHours(1));
        LaneState[] alone = [State(1, 10)];
        Simulate(selector, alone, claims: 2);

        var counts = Simulate(selector, [State(2, 1_000_000), State(3, 1_000_000)], claims: 1100);

        Assert.Equal((1000, 100), (counts[2], counts[3]));
    }

    [Fact]
    public void A_forbidden_lane_is_never_selected_even_when_it_is_the_only_one()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new() { [1] = 0 }), TimeSpan.FromHours(1));

        Assert.Null(selector.Select([State(1, 10)], Worker, T0));
        Assert.Equal(2, selector.Select([State(1, 10), State(2, 10)], Worker, T0)?.Lane.Id);
    }

    [Fact]
    public void A_low_weight_lane_still_gets_work_while_a_heavy_lane_is_backlogged()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new() { [1] = 1000 }), TimeSpan.FromHours(1));
        LaneState[] lanes = [State(1, 1_000_000), State(2, 1_000_000)];

        var counts = Simulate(selector, lanes, claims: 5000);

        Assert.InRange(counts[2], 3, 7);
    }

    [Fact]
    public void A_lane_that_appears_late_starts_at_the_current_virtual_time_instead_of_monopolising()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new()), TimeSpan.FromHours(1));
        Simulate(selector, [State(1, 1_000_000)], claims: 1000);

        var counts = Simulate(selector, [State(1, 1_000_000), State(2, 1_000_000)], claims: 100);

        Assert.InRange(counts[2], 45, 55);
    }

    [Fact]
    public void Lanes_of_other_job_types_and_empty_lanes_are_skipped()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new()), TimeSpan.FromHours(1));

        Assert.Equal(3, selector.Select([State(1, 5, type: "video"), State(2, 0), State(3, 5)], Worker, T0)?.Lane.Id);
    }

    [Fact]
    public void An_older_lane_gets_a_bigger_share_through_aging()
    {
        var selector = new WeightedLaneSelector(new FixedOracle(new()), TimeSpan.FromMinutes(10));
        var now = T0.AddMinutes(10);
        var old = State(1, 1_000_000, minutesAfterT0: 0);
        var fresh = State(2, 1_000_000, minutesAfterT0: 10);

        Assert.Equal(2.0, selector.Score(old, Worker, now) / selector.Score(fresh, Worker, now), precision: 6);
    }

    [Fact]
    public void The_aging_period_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightedLaneSelector(new FixedOracle(new()), TimeSpan.Zero));
    }
}
