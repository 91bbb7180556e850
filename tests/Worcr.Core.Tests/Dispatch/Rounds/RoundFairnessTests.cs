using Worcr.Core.Fairness;
using static Worcr.Core.Tests.Dispatch.Rounds.RoundFixtures;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch.Rounds;

public sealed class RoundFairnessTests
{
    /// <summary>A big tenant that enqueued first (lane 1) and a small one five minutes later (lane 2), served by two workers.</summary>
    private static RoundLog BigThenSmall(FairnessStrategy strategy)
    {
        var world = new RoundWorld(Fair(strategy), maxClaimBatch: 1);
        world.AddLane(Lane(1, tenant: "big"), jobs: 1000);
        world.AddLane(Lane(2, tenant: "small"), jobs: 100, enqueuedAt: T0.AddMinutes(5));
        return world.Run([Worker("w0", 10), Worker("w1", 10)], T0);
    }

    [Fact]
    public void Round_robin_gives_a_small_tenant_the_same_turns_as_a_big_one_across_workers()
    {
        var log = BigThenSmall(FairnessStrategy.RoundRobin);

        Assert.Equal(10, log.AssignedFrom(1));
        Assert.Equal(10, log.AssignedFrom(2));
    }

    [Fact]
    public void Fifo_lets_the_tenant_that_enqueued_first_take_every_turn()
    {
        var log = BigThenSmall(FairnessStrategy.Fifo);

        Assert.Equal(20, log.AssignedFrom(1));
    }

    [Fact]
    public void A_tenant_whose_lane_empties_leaves_its_turns_to_the_others()
    {
        var world = new RoundWorld(Fair(FairnessStrategy.RoundRobin), maxClaimBatch: 1);
        world.AddLane(Lane(1, tenant: "big"), jobs: 1000);
        world.AddLane(Lane(2, tenant: "small"), jobs: 3);

        var log = world.Run([Worker("w0", 20)], T0);

        Assert.Equal((17, 3), (log.AssignedFrom(1), log.AssignedFrom(2)));
    }
}
