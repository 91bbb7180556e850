using static Worcr.Core.Tests.Dispatch.Rounds.RoundFixtures;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch.Rounds;

public sealed class RoundRuleTests
{
    /// <summary>The rule of premium-workers-only-premium.lua: premium workers take only premium jobs.</summary>
    private static double PremiumOnlyOnPremium(Worcr.Core.Lanes.Lane lane, Worcr.Core.Dispatch.WorkerProfile worker) =>
        worker.Tags.Contains("premium") && !lane.Tags.Contains("premium") ? 0 : 1;

    [Fact]
    public void A_forbidden_pair_is_never_dispatched_while_other_workers_take_that_lane()
    {
        var world = new RoundWorld(Weighted(PremiumOnlyOnPremium), maxClaimBatch: 2);
        world.AddLane(Lane(1, tags: ["premium"]), jobs: 10);
        world.AddLane(Lane(2), jobs: 10, enqueuedAt: T0.AddMinutes(-10));

        var log = world.Run([Worker("premium", 8, "premium"), Worker("plain", 8, "plain")], T0);

        Assert.DoesNotContain(log.Assigned, a => a.Worker == 0 && a.Job.Lane.Id == 2);
        Assert.Equal(8, log.AssignedTo(0));
        Assert.True(log.AssignedFrom(2) > 0);
    }

    [Fact]
    public void Jobs_only_forbidden_workers_could_take_are_not_even_claimed()
    {
        var world = new RoundWorld(Weighted(PremiumOnlyOnPremium));
        world.AddLane(Lane(1), jobs: 5);

        var log = world.Run([Worker("premium", 8, "premium")], T0);

        Assert.Empty(log.Requests);
        Assert.Equal(5, world.WaitingIn(1));
    }

    [Fact]
    public void A_lane_of_a_job_type_the_worker_has_no_handler_for_is_never_asked_for()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(new Worcr.Core.Lanes.Lane(1, "acme", "sms", [], 1), jobs: 5);

        Assert.Empty(world.Run([Worker("w0", 8)], T0).Requests);
    }

    [Fact]
    public void Premium_jobs_a_rule_weighs_ten_times_more_get_ten_times_the_dispatches_on_a_premium_worker()
    {
        // premium-boost.lua's multiplier (its own test is in Worcr.Scripting.Tests): ×10 for premium jobs on premium workers.
        var world = new RoundWorld(Weighted((lane, worker) => lane.Tags.Contains("premium") && worker.Tags.Contains("premium") ? 10 : 1), maxClaimBatch: 8);
        world.AddLane(Lane(1, tags: ["premium"]), jobs: 5000);
        world.AddLane(Lane(2), jobs: 5000);

        var log = world.Run([Worker("w0", 5000, "premium")], T0);

        Assert.InRange((double)log.AssignedFrom(1) / log.AssignedFrom(2), 9.0, 11.0);
    }

    [Fact]
    public void Aging_lets_a_light_lane_that_waited_long_overtake_a_heavier_fresh_one()
    {
        var world = new RoundWorld(Weighted(), maxClaimBatch: 1);
        world.AddLane(Lane(1, weight: 10), jobs: 500);
        // Twenty aging periods old: its score is 1 × (1 + 20) = 21 against the fresh lane's 10.
        world.AddLane(Lane(2, weight: 1), jobs: 500, enqueuedAt: T0 - 20 * AgingPeriod);

        var log = world.Run([Worker("w0", 93)], T0);

        Assert.InRange((double)log.AssignedFrom(2) / log.AssignedFrom(1), 1.8, 2.4);
    }
}
