using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>Oldest work first among the lanes whose job type the worker handles.</summary>
public sealed class FifoLaneSelector : ILaneSelector
{
    public LaneState? Select(IEnumerable<LaneState> readyLanes, WorkerProfile worker, DateTimeOffset now)
    {
        LaneState? best = null;
        foreach (var lane in readyLanes)
        {
            if (lane.Waiting <= 0 || !worker.JobTypes.Contains(lane.Lane.Type)) continue;
            if (best is null || lane.OldestEnqueuedAt < best.OldestEnqueuedAt) best = lane;
        }
        return best;
    }

    public void Claimed(LaneState lane, WorkerProfile worker, int count, DateTimeOffset now)
    {
    }
}
