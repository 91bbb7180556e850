using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>
/// Picks which lane a worker with free capacity takes work from next. A pure function of the lanes, the
/// worker and the time: no I/O, so it is tested with plain objects and swapped for other strategies
/// (weights, tenant fairness) without touching the dispatch loop.
/// </summary>
public interface ILaneSelector
{
    /// <summary>The best lane for the worker, or null when no ready lane may run on it.</summary>
    LaneState? Select(IEnumerable<LaneState> readyLanes, WorkerProfile worker, DateTimeOffset now);

    /// <summary>Feedback after a claim: <paramref name="count"/> jobs of <paramref name="lane"/> went to <paramref name="worker"/>.</summary>
    void Claimed(LaneState lane, WorkerProfile worker, int count, DateTimeOffset now);
}
