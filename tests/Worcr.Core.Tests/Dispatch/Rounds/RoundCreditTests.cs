using static Worcr.Core.Tests.Dispatch.Rounds.RoundFixtures;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch.Rounds;

public sealed class RoundCreditTests
{
    [Fact]
    public void Each_worker_is_assigned_exactly_its_credits_and_the_rest_stays_waiting()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10);

        var log = world.Run([Worker("w0", 3), Worker("w1", 2)], T0);

        Assert.Equal(3, log.AssignedTo(0));
        Assert.Equal(2, log.AssignedTo(1));
        Assert.Equal(5, world.WaitingIn(1));
        Assert.All(log.Requests, r => Assert.True(r.Count <= (r.Worker == 0 ? 3 : 2)));
    }

    [Fact]
    public void A_worker_without_credits_is_never_asked_for()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10);

        var log = world.Run([Worker("w0", 0), Worker("w1", -2)], T0);

        Assert.Empty(log.Requests);
        Assert.False(log.ClaimedAny);
    }

    [Fact]
    public void A_round_with_no_workers_asks_for_nothing()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10);

        Assert.Empty(world.Run([], T0).Requests);
    }

    [Fact]
    public void Claims_are_capped_by_the_claim_batch_and_the_round_passes_again_until_credits_are_spent()
    {
        var world = new RoundWorld(Weighted(), maxClaimBatch: 4);
        world.AddLane(Lane(1), jobs: 100);

        var log = world.Run([Worker("w0", 10)], T0);

        Assert.Equal([4, 4, 2], log.Claims.Select(c => c.Count));
        Assert.Equal(10, log.AssignedTo(0));
    }

    [Fact]
    public void Jobs_are_assigned_oldest_first_within_a_lane()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 5);

        var log = world.Run([Worker("w0", 5)], T0);

        var ids = log.Assigned.Select(a => a.Job.Id).ToArray();
        Assert.Equal(ids.Order(), ids);
    }
}
