using Worcr.Core.Fairness;
using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>
/// Two-level choice: fairness picks whose turn it is, weights pick what that turn runs.
/// Lanes fall into fairness groups — one per tenant under round_robin and weighted, one shared group for job
/// types under fifo. The group with the lowest usage ÷ share goes next (usage is shared between nodes through
/// <see cref="IGroupUsage"/>); inside a tenant's group, lanes compete by weight (<see cref="WeightedLaneSelector"/>);
/// inside the FIFO group the oldest work goes first. A group that was idle starts level with the busiest-served
/// active one, so a tenant cannot save up turns while it has nothing waiting. Not thread-safe: the dispatch
/// loop owns it.
/// </summary>
public sealed class FairLaneSelector : ILaneSelector
{
    private const string FifoGroup = "fifo";
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);
    // A group unseen this long is forgotten (its lanes start level again when it returns); see ForgetIdleGroups.
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);
    private const int PruneFloor = 1024;
    private readonly IWeightOracle _oracle;
    private readonly Func<string, FairnessStrategy> _strategyOfType;
    private readonly ITenantShares _shares;
    private readonly IGroupUsage _usage;
    private readonly TimeSpan _agingPeriod;
    private readonly Dictionary<string, WeightedLaneSelector> _withinGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private double _virtualTime;
    private int _pruneAt = PruneFloor;

    /// <param name="oracle">Rule multipliers (0 forbids a lane on a worker).</param>
    /// <param name="strategyOfType">The fairness strategy of a job type (configuration, with a default).</param>
    /// <param name="shares">Tenant shares for the weighted strategy.</param>
    /// <param name="usage">Jobs given to each group so far, shared between nodes.</param>
    /// <param name="agingPeriod">Inside a tenant, a lane whose oldest job waited this long counts double.</param>
    public FairLaneSelector(IWeightOracle oracle, Func<string, FairnessStrategy> strategyOfType, ITenantShares shares, IGroupUsage usage, TimeSpan agingPeriod)
    {
        if (agingPeriod <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(agingPeriod), "The aging period must be positive.");
        _oracle = oracle;
        _strategyOfType = strategyOfType;
        _shares = shares;
        _usage = usage;
        _agingPeriod = agingPeriod;
    }

    public LaneState? Select(IEnumerable<LaneState> readyLanes, WorkerProfile worker, DateTimeOffset now)
    {
        var groups = Candidates(readyLanes, worker);
        if (groups.Count == 0) return null;
        string? best = null;
        var bestPass = double.MaxValue;
        var bestOldest = DateTimeOffset.MaxValue;
        foreach (var (group, lanes) in groups)
        {
            var share = ShareOf(group, lanes[0]);
            CatchUpIfIdle(group, share, now);
            var pass = _usage.Usage(group) / share;
            var oldest = lanes.Min(l => l.OldestEnqueuedAt);
            if (pass < bestPass || (pass == bestPass && oldest < bestOldest))
            {
                (best, bestPass, bestOldest) = (group, pass, oldest);
            }
        }
        _virtualTime = Math.Max(_virtualTime, bestPass);
        var candidates = groups[best!];
        return best == FifoGroup ? candidates.MinBy(l => l.OldestEnqueuedAt) : WithinGroup(best!).Select(candidates, worker, now);
    }

    public void Claimed(LaneState lane, WorkerProfile worker, int count, DateTimeOffset now)
    {
        if (count <= 0) return;
        var group = GroupOf(lane.Lane);
        _usage.Add(group, count);
        if (group != FifoGroup) WithinGroup(group).Claimed(lane, worker, count, now);
    }

    /// <summary>The fairness group a lane belongs to: its tenant, or the shared FIFO group.</summary>
    public string GroupOf(Lane lane) => _strategyOfType(lane.Type) == FairnessStrategy.Fifo ? FifoGroup : "tenant:" + lane.Tenant;

    private Dictionary<string, List<LaneState>> Candidates(IEnumerable<LaneState> readyLanes, WorkerProfile worker)
    {
        var groups = new Dictionary<string, List<LaneState>>(StringComparer.Ordinal);
        foreach (var lane in readyLanes)
        {
            if (lane.Waiting <= 0 || !worker.JobTypes.Contains(lane.Lane.Type)) continue;
            if (_oracle.Multiplier(lane.Lane, worker) <= 0) continue;
            var group = GroupOf(lane.Lane);
            if (!groups.TryGetValue(group, out var lanes)) groups[group] = lanes = new List<LaneState>();
            lanes.Add(lane);
        }
        return groups;
    }

    private double ShareOf(string group, LaneState anyLane)
    {
        if (group == FifoGroup || _strategyOfType(anyLane.Lane.Type) != FairnessStrategy.Weighted) return 1;
        return EffectiveShare.Of(_shares.Share(anyLane.Lane.Tenant));
    }

    /// <summary>A group back from idleness is raised to the current virtual time (never lowered).</summary>
    private void CatchUpIfIdle(string group, double share, DateTimeOffset now)
    {
        var idle = !_lastSeen.TryGetValue(group, out var seen) || now - seen > IdleAfter;
        _lastSeen[group] = now;
        if (_lastSeen.Count > _pruneAt) ForgetIdleGroups(now);
        if (!idle) return;
        var behind = _virtualTime * share - _usage.Usage(group);
        if (behind > 0) _usage.Add(group, behind);
    }

    /// <summary>Groups remembered (for tests of the bound).</summary>
    internal int RememberedGroups => _lastSeen.Count + _withinGroup.Count;

    /// <summary>
    /// Tenants come and go: a group unseen for <see cref="ForgetAfter"/> counts as idle whether remembered or not, so
    /// forgetting it changes nothing but the order among its own lanes, which restart level. Runs when the map doubled.
    /// </summary>
    private void ForgetIdleGroups(DateTimeOffset now)
    {
        foreach (var (group, seen) in _lastSeen)
        {
            if (now - seen <= ForgetAfter) continue;
            _lastSeen.Remove(group);
            _withinGroup.Remove(group);
        }
        _pruneAt = Math.Max(PruneFloor, 2 * _lastSeen.Count);
    }

    private WeightedLaneSelector WithinGroup(string group)
    {
        if (!_withinGroup.TryGetValue(group, out var selector)) _withinGroup[group] = selector = new WeightedLaneSelector(_oracle, _agingPeriod);
        return selector;
    }
}
