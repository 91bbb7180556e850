using static Worcr.Core.Tests.Dispatch.Rounds.RoundFixtures;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch.Rounds;

public sealed class RoundRotationTests
{
    [Fact]
    public void When_one_job_arrives_at_a_time_each_round_serves_a_different_worker_first()
    {
        var world = new RoundWorld(Weighted());
        var workers = new[] { Worker("w0", 5), Worker("w1", 5), Worker("w2", 5) };
        var served = new List<int>();

        for (var round = 0; round < 3; round++)
        {
            world.AddLane(Lane(1), jobs: 1);
            served.Add(Assert.Single(world.Run(workers, T0).Assigned).Worker);
        }

        Assert.Equal([0, 1, 2], served.Order());
    }

    [Fact]
    public void Lanes_of_equal_weight_take_turns_for_one_worker()
    {
        var world = new RoundWorld(Weighted(), maxClaimBatch: 1);
        world.AddLane(Lane(1), jobs: 10, enqueuedAt: T0.AddMinutes(-1));
        world.AddLane(Lane(2), jobs: 10);

        var log = world.Run([Worker("w0", 6)], T0);

        Assert.Equal([1L, 2, 1, 2, 1, 2], log.Claims.Select(c => c.Lane.Lane.Id));
    }

    [Fact]
    public void A_heavier_lane_gets_work_in_proportion_to_its_weight()
    {
        var world = new RoundWorld(Weighted(), maxClaimBatch: 1);
        world.AddLane(Lane(1, weight: 10), jobs: 500);
        world.AddLane(Lane(2, weight: 1), jobs: 500);

        var log = world.Run([Worker("w0", 110)], T0);

        Assert.InRange((double)log.AssignedFrom(1) / log.AssignedFrom(2), 8.0, 12.0);
    }
}
