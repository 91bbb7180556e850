using Worcr.Core.Lanes;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Lanes;

public sealed class LaneIndexTests
{
    private static long WaitingIn(LaneIndex index, long laneId) =>
        index.Ready.SingleOrDefault(l => l.Lane.Id == laneId)?.Waiting ?? 0;

    [Fact]
    public void Reconcile_replaces_everything_the_index_knew()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 5), State(2, 3)]);

        index.Reconcile([State(2, 7), State(3, 1)]);

        Assert.False(index.Contains(1));
        Assert.Equal(2, index.Count);
        Assert.Equal(7, WaitingIn(index, 2));
        Assert.Equal(1, WaitingIn(index, 3));
    }

    [Fact]
    public void Reconcile_with_an_empty_backlog_forgets_every_lane()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 5)]);

        index.Reconcile([]);

        Assert.Equal(0, index.Count);
        Assert.Empty(index.Ready);
    }

    [Fact]
    public void Reconcile_never_stores_a_negative_count()
    {
        var index = new LaneIndex();

        index.Reconcile([State(1, -3)]);

        Assert.True(index.Contains(1));
        Assert.Empty(index.Ready);
        index.AddWaiting(1, 2, T0);
        Assert.Equal(2, WaitingIn(index, 1));
    }

    [Fact]
    public void Ready_lists_only_lanes_with_waiting_jobs()
    {
        var index = new LaneIndex();

        index.Reconcile([State(1, 0), State(2, 4)]);

        Assert.Equal([2L], index.Ready.Select(l => l.Lane.Id));
    }

    [Fact]
    public void AddWaiting_adds_to_a_known_lane()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 5)]);

        index.AddWaiting(1, 3, T0.AddHours(1));

        Assert.Equal(8, WaitingIn(index, 1));
    }

    [Fact]
    public void AddWaiting_ignores_a_lane_the_index_does_not_know()
    {
        var index = new LaneIndex();

        index.AddWaiting(42, 3, T0);

        Assert.False(index.Contains(42));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void AddWaiting_keeps_the_oldest_time_of_a_lane_that_still_has_jobs()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 5, minutesAfterT0: 0)]);

        index.AddWaiting(1, 1, T0.AddHours(1));

        Assert.Equal(T0, index.Ready.Single().OldestEnqueuedAt);
    }

    [Fact]
    public void AddWaiting_to_an_empty_lane_makes_now_its_oldest_time()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 0, minutesAfterT0: 0)]);
        var now = T0.AddHours(1);

        index.AddWaiting(1, 2, now);

        Assert.Equal(now, index.Ready.Single().OldestEnqueuedAt);
    }

    [Fact]
    public void AddWaiting_with_a_negative_count_cannot_make_the_count_negative()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 2)]);

        index.AddWaiting(1, -10, T0);

        Assert.Equal(2, WaitingIn(index, 1));
    }

    [Fact]
    public void Add_learns_a_lane_from_a_notification()
    {
        var index = new LaneIndex();

        index.Add(Lane(9), 4, T0);

        Assert.True(index.Contains(9));
        Assert.Equal(4, WaitingIn(index, 9));
    }

    [Fact]
    public void Add_with_a_negative_count_stores_zero()
    {
        var index = new LaneIndex();

        index.Add(Lane(9), -4, T0);

        Assert.True(index.Contains(9));
        Assert.Empty(index.Ready);
        index.AddWaiting(9, 2, T0);
        Assert.Equal(2, WaitingIn(index, 9));
    }

    [Fact]
    public void A_short_claim_empties_the_lane()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 50)]);

        index.Claimed(1, asked: 10, got: 3, nextOldest: null);

        Assert.True(index.Contains(1));
        Assert.Empty(index.Ready);
    }

    [Fact]
    public void A_full_claim_subtracts_what_it_got()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 50)]);

        index.Claimed(1, asked: 10, got: 10, nextOldest: null);

        Assert.Equal(40, WaitingIn(index, 1));
    }

    [Fact]
    public void A_full_claim_larger_than_the_estimate_leaves_zero_not_a_negative_count()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 2)]);

        index.Claimed(1, asked: 10, got: 10, nextOldest: null);

        Assert.Empty(index.Ready);
        index.AddWaiting(1, 1, T0);
        Assert.Equal(1, WaitingIn(index, 1));
    }

    [Fact]
    public void A_claim_moves_the_oldest_time_when_the_store_says_where_the_lane_now_starts()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 50)]);
        var next = T0.AddMinutes(5);

        index.Claimed(1, asked: 10, got: 10, nextOldest: next);

        Assert.Equal(next, index.Ready.Single().OldestEnqueuedAt);
    }

    [Fact]
    public void A_claim_on_an_unknown_lane_changes_nothing()
    {
        var index = new LaneIndex();

        index.Claimed(7, asked: 10, got: 10, nextOldest: null);

        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void An_emptied_lane_fills_again_when_new_jobs_are_announced()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 5)]);
        index.Claimed(1, asked: 10, got: 5, nextOldest: null);

        index.AddWaiting(1, 3, T0.AddMinutes(1));

        Assert.Equal(3, WaitingIn(index, 1));
    }

    [Fact]
    public void A_full_claim_never_counts_a_capped_lane_down_to_empty()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 10) with { CountCapped = true }]);

        index.Claimed(1, asked: 8, got: 8, nextOldest: T0);
        index.Claimed(1, asked: 8, got: 8, nextOldest: T0);

        Assert.Equal(1, WaitingIn(index, 1));
    }

    [Fact]
    public void A_short_claim_empties_a_capped_lane_and_later_announcements_count_exactly()
    {
        var index = new LaneIndex();
        index.Reconcile([State(1, 10) with { CountCapped = true }]);

        index.Claimed(1, asked: 8, got: 3, nextOldest: T0);
        Assert.Empty(index.Ready);
        index.AddWaiting(1, 2, T0);
        index.Claimed(1, asked: 2, got: 2, nextOldest: T0);

        Assert.Empty(index.Ready);
    }

    [Theory]
    [InlineData(10, 1_000, 64)]
    [InlineData(100, 250, 7)]
    public void A_capped_count_leaves_a_lane_ready_exactly_when_its_true_count_would(int cap, int trueCount, int batch)
    {
        var exact = new LaneIndex();
        exact.Reconcile([State(1, trueCount)]);
        var capped = new LaneIndex();
        capped.Reconcile([State(1, cap) with { CountCapped = true }]);

        // Full claims while the lane holds at least a batch, then the short one that finds it empty.
        for (var left = trueCount; left > 0; left -= batch)
        {
            var got = Math.Min(batch, left);
            exact.Claimed(1, batch, got, T0);
            capped.Claimed(1, batch, got, T0);
            Assert.Equal(exact.Ready.Any(), capped.Ready.Any());
        }
        Assert.Empty(capped.Ready);
    }
}
