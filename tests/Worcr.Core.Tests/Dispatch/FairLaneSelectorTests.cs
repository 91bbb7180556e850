using Worcr.Core.Dispatch;
using Worcr.Core.Fairness;
using Worcr.Core.Lanes;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch;

public sealed class FairLaneSelectorTests
{
    private static readonly WorkerProfile Worker = new("w1", [], new HashSet<string>(StringComparer.Ordinal) { "email" });

    private sealed class Oracle(Func<Lane, double> multiplier) : IWeightOracle
    {
        public double Multiplier(Lane lane, WorkerProfile worker) => multiplier(lane);
    }

    private sealed class Shares(Dictionary<string, double> shares) : ITenantShares
    {
        public double Share(string tenant) => shares.GetValueOrDefault(tenant, 1);
    }

    private static FairLaneSelector Selector(FairnessStrategy strategy, ITenantShares? shares = null, Func<Lane, double>? multiplier = null) =>
        new(new Oracle(multiplier ?? (_ => 1)), _ => strategy, shares ?? EqualTenantShares.Instance, new LocalGroupUsage(), TimeSpan.FromHours(1));

    private static LaneState TenantLane(long id, string tenant, long waiting, int minutesAfterT0 = 0, params string[] tags) =>
        new(new Lane(id, tenant, "email", tags, 1), waiting, T0.AddMinutes(minutesAfterT0));

    private static Dictionary<string, int> Run(FairLaneSelector selector, LaneState[] lanes, int picks, int batch = 1)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < picks; i++)
        {
            var lane = selector.Select(lanes, Worker, T0) ?? throw new InvalidOperationException("nothing selected");
            counts[lane.Lane.Tenant] = counts.GetValueOrDefault(lane.Lane.Tenant) + batch;
            selector.Claimed(lane, Worker, batch, T0);
        }
        return counts;
    }

    [Fact]
    public void Round_robin_gives_a_tenant_with_one_job_waiting_the_same_turns_as_a_tenant_with_a_million()
    {
        var selector = Selector(FairnessStrategy.RoundRobin);
        LaneState[] lanes = [TenantLane(1, "big", 1_000_000, minutesAfterT0: 0), TenantLane(2, "small", 100, minutesAfterT0: 5)];

        var counts = Run(selector, lanes, picks: 100);

        Assert.Equal(50, counts["big"]);
        Assert.Equal(50, counts["small"]);
    }

    [Fact]
    public void Fifo_serves_the_oldest_work_first_so_a_big_early_tenant_starves_the_others()
    {
        var selector = Selector(FairnessStrategy.Fifo);
        LaneState[] lanes = [TenantLane(1, "big", 1_000_000, minutesAfterT0: 0), TenantLane(2, "small", 100, minutesAfterT0: 5)];

        var counts = Run(selector, lanes, picks: 100);

        Assert.Equal(100, counts["big"]);
        Assert.False(counts.ContainsKey("small"));
    }

    [Fact]
    public void Weighted_shares_of_one_two_and_seven_split_the_turns_one_two_seven()
    {
        var selector = Selector(FairnessStrategy.Weighted, new Shares(new() { ["a"] = 1, ["b"] = 2, ["c"] = 7 }));
        LaneState[] lanes = [TenantLane(1, "a", 1_000_000), TenantLane(2, "b", 1_000_000), TenantLane(3, "c", 1_000_000)];

        var counts = Run(selector, lanes, picks: 10_000);

        Assert.InRange(counts["a"], 980, 1020);
        Assert.InRange(counts["b"], 1980, 2020);
        Assert.InRange(counts["c"], 6980, 7020);
    }

    [Fact]
    public void Shares_hold_when_claims_come_in_batches()
    {
        var selector = Selector(FairnessStrategy.Weighted, new Shares(new() { ["a"] = 1, ["b"] = 3 }));
        LaneState[] lanes = [TenantLane(1, "a", 1_000_000), TenantLane(2, "b", 1_000_000)];

        var counts = Run(selector, lanes, picks: 400, batch: 25);

        Assert.InRange((double)counts["b"] / counts["a"], 2.7, 3.3);
    }

    [Fact]
    public void A_tenant_of_the_smallest_positive_share_is_served_again_after_its_first_turn()
    {
        // Shares stored before the admin API refused them (or written straight into PostgreSQL) may be this small.
        var selector = Selector(FairnessStrategy.Weighted, new Shares(new() { ["tiny"] = double.Epsilon }));
        LaneState[] lanes = [TenantLane(1, "tiny", 10)];

        var counts = Run(selector, lanes, picks: 3);

        Assert.Equal(3, counts["tiny"]);
    }

    [Fact]
    public void After_a_tenant_of_a_tiny_share_had_its_turns_the_others_still_split_by_share()
    {
        var selector = Selector(FairnessStrategy.Weighted, new Shares(new() { ["tiny"] = 1e-300, ["a"] = 1, ["b"] = 3 }));
        Run(selector, [TenantLane(1, "tiny", 10)], picks: 2);

        var counts = Run(selector, [TenantLane(2, "a", 1_000_000), TenantLane(3, "b", 1_000_000)], picks: 400);

        Assert.Equal((100, 300), (counts.GetValueOrDefault("a"), counts.GetValueOrDefault("b")));
    }

    [Fact]
    public void A_tenant_that_was_idle_does_not_save_up_turns_it_did_not_use()
    {
        var selector = Selector(FairnessStrategy.RoundRobin);
        Run(selector, [TenantLane(1, "busy", 1_000_000)], picks: 1000);

        var counts = Run(selector, [TenantLane(1, "busy", 1_000_000), TenantLane(2, "newcomer", 1_000_000)], picks: 100);

        Assert.InRange(counts["newcomer"], 49, 51);
    }

    [Fact]
    public void Inside_a_tenant_weights_still_pick_what_its_turn_runs()
    {
        var selector = Selector(FairnessStrategy.RoundRobin, multiplier: lane => lane.Tags.Contains("premium") ? 10 : 1);
        LaneState[] lanes = [TenantLane(1, "acme", 1_000_000, 0, "premium"), TenantLane(2, "acme", 1_000_000), TenantLane(3, "other", 1_000_000)];
        var byLane = new Dictionary<long, int>();

        for (var i = 0; i < 2200; i++)
        {
            var lane = selector.Select(lanes, Worker, T0)!;
            byLane[lane.Lane.Id] = byLane.GetValueOrDefault(lane.Lane.Id) + 1;
            selector.Claimed(lane, Worker, 1, T0);
        }

        Assert.InRange(byLane[3], 1098, 1102);
        Assert.Equal(10.0, (double)byLane[1] / byLane[2], precision: 0);
    }

    [Fact]
    public void Lanes_forbidden_for_the_worker_are_never_chosen_and_their_tenant_takes_no_turn()
    {
        var selector = Selector(FairnessStrategy.RoundRobin, multiplier: lane => lane.Tenant == "blocked" ? 0 : 1);
        LaneState[] lanes = [TenantLane(1, "blocked", 1_000_000), TenantLane(2, "open", 10)];

        var counts = Run(selector, lanes, picks: 10);

        Assert.Equal(10, counts["open"]);
        Assert.Null(selector.Select([TenantLane(1, "blocked", 5)], Worker, T0));
    }

    [Fact]
    public void A_job_type_configured_fifo_forms_one_group_beside_the_fair_tenants()
    {
        var selector = new FairLaneSelector(new Oracle(_ => 1), type => type == "email" ? FairnessStrategy.Fifo : FairnessStrategy.RoundRobin,
            EqualTenantShares.Instance, new LocalGroupUsage(), TimeSpan.FromHours(1));

        Assert.Equal("fifo", selector.GroupOf(new Lane(1, "acme", "email", [], 1)));
        Assert.Equal("tenant:acme", selector.GroupOf(new Lane(2, "acme", "import", [], 1)));
    }
}
