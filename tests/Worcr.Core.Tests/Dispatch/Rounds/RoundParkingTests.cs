using Worcr.Core.Dispatch;
using static Worcr.Core.Tests.Dispatch.Rounds.RoundFixtures;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch.Rounds;

public sealed class RoundParkingTests
{
    [Fact]
    public void A_lane_its_limits_deny_is_parked_and_the_worker_takes_another_lane_in_the_same_round()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10, enqueuedAt: T0.AddMinutes(-1));
        world.AddLane(Lane(2), jobs: 10);
        world.Limits = r => r.Lane.Lane.Id == 1 ? LimitDecision.Denied(TimeSpan.FromSeconds(5)) : LimitDecision.All(r.Count);

        var log = world.Run([Worker("w0", 4)], T0);

        Assert.Equal([1L], log.Denied);
        Assert.Equal(4, log.AssignedFrom(2));
        Assert.Equal(T0.AddSeconds(5), world.State.Parking.NextUnpark(T0));
    }

    [Fact]
    public void A_parked_lane_is_skipped_until_its_retry_time_then_runs_again()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10);
        world.Limits = DeniedOnce(TimeSpan.FromSeconds(5));
        world.Run([Worker("w0", 4)], T0);

        var early = world.Run([Worker("w0", 4)], T0.AddSeconds(4));
        var due = world.Run([Worker("w0", 4)], T0.AddSeconds(5));

        Assert.Empty(early.Requests);
        Assert.Equal(4, due.AssignedFrom(1));
    }

    [Fact]
    public void A_wall_clock_stepped_back_does_not_keep_a_lane_parked_for_the_step()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10);
        world.Limits = DeniedOnce(TimeSpan.FromSeconds(5));
        world.Run([Worker("w0", 4)], T0);

        // An NTP correction sets the clock back an hour: the lane's 5 s retry time now looks an hour and 5 s away.
        var afterStep = world.Run([Worker("w0", 4)], T0.AddHours(-1));

        Assert.Equal(4, afterStep.AssignedFrom(1));
        Assert.Null(world.State.Parking.NextUnpark(T0.AddHours(-1)));
    }

    [Fact]
    public void A_round_whose_only_lane_is_denied_ends_without_claiming()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10);
        world.Limits = _ => LimitDecision.Denied(TimeSpan.FromMilliseconds(1));

        var log = world.Run([Worker("w0", 4), Worker("w1", 4)], T0);

        Assert.Single(log.Requests);
        Assert.Empty(log.Claims);
        Assert.False(log.ClaimedAny);
    }

    [Fact]
    public void A_partial_grant_caps_the_claim_at_what_the_limits_allowed()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 10);
        var granted = false;
        world.Limits = r =>
        {
            if (granted) return LimitDecision.Denied(TimeSpan.FromSeconds(1));
            granted = true;
            return new LimitDecision(2, TimeSpan.Zero);
        };

        var log = world.Run([Worker("w0", 5)], T0);

        Assert.Equal(5, log.Requests[0].Count);
        Assert.Equal([2], log.Claims.Select(c => c.Count));
        Assert.Equal(2, log.AssignedTo(0));
    }

    [Fact]
    public void A_freed_permit_on_its_key_unparks_a_lane_before_its_retry_time()
    {
        var world = new RoundWorld(Weighted());
        var lane = Lane(1) with { LimitKeys = ["host:api.example.com"] };
        world.AddLane(lane, jobs: 10);
        world.Limits = _ => LimitDecision.Denied(TimeSpan.FromSeconds(2));
        world.Run([Worker("w0", 4)], T0);
        world.Limits = r => LimitDecision.All(r.Count);

        Assert.False(world.State.Parking.UnparkKey("host:other.example.com"));
        Assert.True(world.State.Parking.UnparkKey("host:api.example.com"));
        Assert.Equal(4, world.Run([Worker("w0", 4)], T0.AddSeconds(1)).AssignedTo(0));
    }

    [Fact]
    public void A_lane_that_came_back_empty_leaves_the_ready_index_and_the_round_ends()
    {
        var world = new RoundWorld(Weighted());
        // The index believes 10 jobs wait; other nodes took all but 3 of them.
        world.AddLane(Lane(1), jobs: 3);
        world.State.Lanes.AddWaiting(1, 7, T0);

        var log = world.Run([Worker("w0", 10)], T0);

        Assert.Single(log.Claims);
        Assert.Equal(3, log.AssignedTo(0));
        Assert.Empty(world.State.Lanes.Ready);
        Assert.Empty(world.Run([Worker("w0", 10)], T0).Requests);
    }

    [Fact]
    public void A_claim_that_finds_nothing_does_not_make_the_round_pass_again()
    {
        var world = new RoundWorld(Weighted());
        world.AddLane(Lane(1), jobs: 0);
        world.State.Lanes.AddWaiting(1, 5, T0);

        var log = world.Run([Worker("w0", 10), Worker("w1", 10)], T0);

        Assert.Single(log.Claims);
        Assert.False(log.ClaimedAny);
    }

    /// <summary>Limits that deny the first claim (retry after <paramref name="retryAfter"/>) and grant every one after.</summary>
    private static Func<ClaimRequest, LimitDecision> DeniedOnce(TimeSpan retryAfter)
    {
        var denied = false;
        return request =>
        {
            if (denied) return LimitDecision.All(request.Count);
            denied = true;
            return LimitDecision.Denied(retryAfter);
        };
    }
}
