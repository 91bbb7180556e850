using System.Collections.Concurrent;
using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>
/// Lanes over a limit, each until the time its limit said to retry. A dispatch round parks a lane its limits
/// denied and skips parked lanes (other lanes run); the loop sleeps no longer than the earliest of them, so a
/// parked lane costs no polling. A concurrency permit freed anywhere unparks the lanes sharing its key at once.
/// A wall clock stepped back does not stretch a lane's parking (<see cref="WallDeadline"/>): the lane's limits are asked again.
/// Thread-safe: those unparks arrive from other threads while the dispatch loop runs.
/// </summary>
public sealed class LaneParking
{
    private readonly ConcurrentDictionary<long, (Lane Lane, WallDeadline Until)> _parked = new();

    public bool IsEmpty => _parked.IsEmpty;

    /// <summary>Parks <paramref name="lane"/> for <paramref name="retryAfter"/> from <paramref name="now"/>.</summary>
    public void Park(Lane lane, DateTimeOffset now, TimeSpan retryAfter) => _parked[lane.Id] = (lane, WallDeadline.After(now, retryAfter));

    public bool IsParked(long laneId, DateTimeOffset now)
    {
        if (!_parked.TryGetValue(laneId, out var parked)) return false;
        if (!parked.Until.IsDue(now)) return true;
        _parked.TryRemove(KeyValuePair.Create(laneId, parked));
        return false;
    }

    /// <summary>
    /// The earliest time a parked lane may run again; null when none is parked. Lanes whose time has come are
    /// dropped here, so a lane no worker asked for since does not keep the dispatcher awake.
    /// </summary>
    public DateTimeOffset? NextUnpark(DateTimeOffset now)
    {
        if (_parked.IsEmpty) return null;
        DateTimeOffset? next = null;
        foreach (var (laneId, parked) in _parked)
        {
            if (parked.Until.IsDue(now)) _parked.TryRemove(KeyValuePair.Create(laneId, parked));
            else if (next is null || parked.Until.Until < next) next = parked.Until.Until;
        }
        return next;
    }

    /// <summary>
    /// Unparks the lanes limited on <paramref name="key"/>; true when there was one. <paramref name="keysOf"/> gives a
    /// lane's limit keys (default: those stored with it; limits on its tenant, type or tags add theirs).
    /// </summary>
    public bool UnparkKey(string key, Func<Lane, IReadOnlyList<string>>? keysOf = null)
    {
        var any = false;
        foreach (var (laneId, parked) in _parked)
        {
            var keys = keysOf is null ? parked.Lane.LimitKeys : keysOf(parked.Lane);
            if (keys.Contains(key, StringComparer.Ordinal)) any |= _parked.TryRemove(laneId, out _);
        }
        return any;
    }

    /// <summary>The ready lanes that are not parked at <paramref name="now"/>.</summary>
    public IEnumerable<LaneState> Unparked(IEnumerable<LaneState> ready, DateTimeOffset now) =>
        _parked.IsEmpty ? ready : ready.Where(l => !IsParked(l.Lane.Id, now));

    /// <summary>Every lane gets a fresh look (the limit definitions changed).</summary>
    public void Clear() => _parked.Clear();
}
