using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch;

public sealed class FifoLaneSelectorTests
{
    private static readonly FifoLaneSelector Selector = new();

    private static WorkerProfile Worker(params string[] types) =>
        new("w1", [], types.ToHashSet(StringComparer.Ordinal));

    private static long? SelectedId(IEnumerable<LaneState> lanes, WorkerProfile worker) =>
        Selector.Select(lanes, worker, T0)?.Lane.Id;

    [Fact]
    public void Picks_the_lane_whose_oldest_job_waited_longest()
    {
        LaneState[] lanes = [State(1, 5, minutesAfterT0: 10), State(2, 5, minutesAfterT0: 2), State(3, 5, minutesAfterT0: 7)];

        Assert.Equal(2, SelectedId(lanes, Worker("email")));
    }

    [Fact]
    public void Ignores_lanes_of_job_types_the_worker_does_not_handle()
    {
        LaneState[] lanes = [State(1, 5, minutesAfterT0: 0, type: "video"), State(2, 5, minutesAfterT0: 9, type: "email")];

        Assert.Equal(2, SelectedId(lanes, Worker("email")));
    }

    [Fact]
    public void Ignores_empty_lanes_however_old()
    {
        LaneState[] lanes = [State(1, 0, minutesAfterT0: 0), State(2, 1, minutesAfterT0: 9)];

        Assert.Equal(2, SelectedId(lanes, Worker("email")));
    }

    [Fact]
    public void Considers_every_job_type_the_worker_handles()
    {
        LaneState[] lanes = [State(1, 5, minutesAfterT0: 9, type: "email"), State(2, 5, minutesAfterT0: 1, type: "sms")];

        Assert.Equal(2, SelectedId(lanes, Worker("email", "sms")));
    }

    [Fact]
    public void Returns_null_when_no_lane_has_a_job_type_the_worker_handles()
    {
        LaneState[] lanes = [State(1, 5, type: "video")];

        Assert.Null(SelectedId(lanes, Worker("email")));
    }

    [Fact]
    public void Returns_null_when_every_fitting_lane_is_empty()
    {
        LaneState[] lanes = [State(1, 0), State(2, 0)];

        Assert.Null(SelectedId(lanes, Worker("email")));
    }

    [Fact]
    public void Returns_null_when_there_are_no_lanes()
    {
        Assert.Null(SelectedId([], Worker("email")));
    }

    [Fact]
    public void Job_types_match_exactly_not_by_prefix_or_case()
    {
        LaneState[] lanes = [State(1, 5, type: "Email"), State(2, 5, type: "email.bulk")];

        Assert.Null(SelectedId(lanes, Worker("email")));
    }
}
