using Worcr.Admin;
using Worcr.Core.Dispatch;
using Worcr.Core.Fairness;
using Worcr.Core.Lanes;
using Worcr.Postgres;
using Worcr.Scripting;

namespace Worcr.Server.Tests.Admin;

/// <summary>The dry run's share arithmetic, without a node: fairness between groups, then weights inside a tenant.</summary>
public sealed class DryRunPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly WorkerProfile Worker = new("w1", ["gpu"], new HashSet<string> { "render", "import" });
    private static readonly WeightEvaluator NoRules = new([]);

    private static LaneBacklog Backlog(long id, string tenant, string type, double weight = 1, double ageSeconds = 0) =>
        new(new Lane(id, tenant, type, [$"lane-{id}"], weight), 5, Now.AddSeconds(-ageSeconds));

    private static DryRunPlanner Planner(IReadOnlyList<LaneBacklog> lanes, FairnessStrategy strategy, ITenantShares? shares = null) =>
        new(lanes, type => type == "import" ? FairnessStrategy.Fifo : strategy, shares ?? EqualTenantShares.Instance, TimeSpan.FromMinutes(5), Now);

    private static Dictionary<long, double> Shares(DryRunPlanView plan) => plan.Lanes.ToDictionary(l => l.LaneId, l => l.Share);

    [Fact]
    public void Round_robin_splits_between_tenants_first_and_by_weight_inside_a_tenant()
    {
        var lanes = new[] { Backlog(1, "acme", "render", weight: 3), Backlog(2, "acme", "render"), Backlog(3, "globex", "render") };

        var plan = Planner(lanes, FairnessStrategy.RoundRobin).Plan(Worker, NoRules, new());

        var shares = Shares(plan);
        Assert.Equal(0.375, shares[1], 6);
        Assert.Equal(0.125, shares[2], 6);
        Assert.Equal(0.5, shares[3], 6);
        Assert.Equal(3, plan.Next!.LaneId);
    }

    [Fact]
    public void Weighted_fairness_uses_tenant_shares()
    {
        var lanes = new[] { Backlog(1, "acme", "render"), Backlog(2, "globex", "render") };

        var plan = Planner(lanes, FairnessStrategy.Weighted, new FixedShares(("acme", 3))).Plan(Worker, NoRules, new());

        Assert.Equal(0.75, Shares(plan)[1], 6);
        Assert.Equal(0.25, Shares(plan)[2], 6);
    }

    [Fact]
    public void A_fifo_group_gives_its_whole_part_to_the_oldest_lane_and_aging_raises_a_waiting_lane()
    {
        var lanes = new[] { Backlog(1, "acme", "import", ageSeconds: 10), Backlog(2, "globex", "import", ageSeconds: 60), Backlog(3, "acme", "render", ageSeconds: 300) };

        var plan = Planner(lanes, FairnessStrategy.RoundRobin).Plan(Worker, NoRules, new());

        var shares = Shares(plan);
        Assert.False(shares.ContainsKey(1));
        Assert.Equal(0.5, shares[2], 6);
        Assert.Equal(0.5, shares[3], 6);
    }

    [Fact]
    public void Types_the_worker_does_not_handle_are_left_out_and_no_lane_means_no_next()
    {
        var plan = Planner([Backlog(1, "acme", "video")], FairnessStrategy.RoundRobin).Plan(Worker, NoRules, new());

        Assert.Empty(plan.Lanes);
        Assert.Null(plan.Next);
    }

    private sealed class FixedShares(params (string Tenant, double Share)[] shares) : ITenantShares
    {
        public double Share(string tenant) => shares.FirstOrDefault(s => s.Tenant == tenant).Share is > 0 and var share ? share : 1;
    }
}
