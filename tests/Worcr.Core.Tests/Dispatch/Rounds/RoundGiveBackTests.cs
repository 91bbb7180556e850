using static Worcr.Core.Tests.Dispatch.Rounds.RoundFixtures;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch.Rounds;

public sealed class RoundGiveBackTests
{
    [Fact]
    public void Jobs_beyond_the_workers_credits_are_given_back_not_assigned()
    {
        var world = new RoundWorld(Weighted()) { ExtraPerClaim = 2 };
        world.AddLane(Lane(1), jobs: 10);

        var log = world.Run([Worker("w0", 3)], T0);

        Assert.Equal(3, log.AssignedTo(0));
        Assert.Equal(2, log.GivenBack.Count);
        Assert.Equal(7, world.WaitingIn(1));
    }

    [Fact]
    public void A_worker_that_refuses_an_assignment_gets_nothing_more_in_the_round()
    {
        var world = new RoundWorld(Weighted(), maxClaimBatch: 2);
        world.AddLane(Lane(1), jobs: 10);

        var log = world.Run([Worker("w0", 6)], T0, refuses: new HashSet<int> { 0 });

        Assert.Single(log.Claims);
        Assert.Equal(2, log.GivenBack.Count);
        Assert.Empty(log.Assigned);
        Assert.Equal(10, world.WaitingIn(1));
    }

    [Fact]
    public void When_one_worker_refuses_the_others_still_get_work()
    {
        var world = new RoundWorld(Weighted(), maxClaimBatch: 2);
        world.AddLane(Lane(1), jobs: 10);

        var log = world.Run([Worker("w0", 6), Worker("w1", 4)], T0, refuses: new HashSet<int> { 0 });

        Assert.Equal(4, log.AssignedTo(1));
        Assert.Equal(0, log.AssignedTo(0));
        Assert.Equal(6, world.WaitingIn(1));
    }
}
