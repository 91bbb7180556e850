namespace Worcr.Core.Lanes;

/// <summary>
/// The node's picture of which lanes have ready jobs. It is a cache: notifications add to it, claims that
/// come back short empty a lane, and a periodic reconcile replaces it with the database's truth. Being
/// wrong costs one wasted claim, never a lost job. Not thread-safe: the dispatch loop owns it.
/// </summary>
public sealed class LaneIndex
{
    private readonly Dictionary<long, LaneState> _lanes = new();

    public int Count => _lanes.Count;

    public IEnumerable<LaneState> Ready => _lanes.Values.Where(l => l.Waiting > 0);

    public bool Contains(long laneId) => _lanes.ContainsKey(laneId);

    /// <summary>Replaces everything with a fresh read of the database.</summary>
    public void Reconcile(IEnumerable<LaneState> truth)
    {
        _lanes.Clear();
        foreach (var lane in truth) _lanes[lane.Lane.Id] = lane.Waiting < 0 ? lane with { Waiting = 0 } : lane;
    }

    /// <summary>New ready jobs were announced for a lane this node already knows.</summary>
    public void AddWaiting(long laneId, long count, DateTimeOffset now)
    {
        // A non-positive count announces nothing; applying it could drive the estimate below zero.
        if (count <= 0 || !_lanes.TryGetValue(laneId, out var state)) return;
        var oldest = state.Waiting > 0 ? state.OldestEnqueuedAt : now;
        _lanes[laneId] = state with { Waiting = state.Waiting + count, OldestEnqueuedAt = oldest };
    }

    /// <summary>Adds a lane learnt from a notification.</summary>
    public void Add(Lane lane, long waiting, DateTimeOffset oldestEnqueuedAt) =>
        _lanes[lane.Id] = new LaneState(lane, Math.Max(0, waiting), oldestEnqueuedAt);

    /// <summary>
    /// Records a claim: <paramref name="got"/> jobs came back for <paramref name="asked"/>. A short claim means the
    /// lane is empty (other nodes took the rest), so the estimate drops to zero until new jobs are announced. A lane
    /// whose count was capped holds at least its estimate: a full claim leaves it ready, as its true count would.
    /// </summary>
    public void Claimed(long laneId, int asked, int got, DateTimeOffset? nextOldest)
    {
        if (!_lanes.TryGetValue(laneId, out var state)) return;
        var empty = got < asked;
        var floor = state.CountCapped ? 1 : 0;
        var waiting = empty ? 0 : Math.Max(floor, state.Waiting - Math.Max(0, got));
        // Found empty, the lane's count is known again (zero): announcements count up from there exactly.
        _lanes[laneId] = state with { Waiting = waiting, OldestEnqueuedAt = nextOldest ?? state.OldestEnqueuedAt, CountCapped = state.CountCapped && !empty };
    }
}
