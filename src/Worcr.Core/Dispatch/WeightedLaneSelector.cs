using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>
/// Weighted dispatch by stride scheduling. A lane's score for a worker is base weight × rule multiplier ×
/// an aging bonus; the worker takes work from the allowed lane with the lowest <em>pass</em>, and a claim of
/// n jobs advances that lane's pass by n / score. Over time every allowed lane gets a share proportional
/// to its score (a ×10 lane runs ten jobs for each one of a ×1 lane), and no allowed lane waits forever.
/// A lane that (re)appears starts at the current virtual time, so it neither starves nor monopolises.
/// Forbidden lanes (score 0) are never chosen. Not thread-safe: the dispatch loop owns it.
/// </summary>
public sealed class WeightedLaneSelector : ILaneSelector
{
    private readonly IWeightOracle _oracle;
    private readonly TimeSpan _agingPeriod;
    private const int PruneFloor = 1024;

    /// <summary>
    /// The smallest score a claim advances a lane's pass by (so the largest stride is 1 / this). Any weight above 0 is
    /// allowed (and any rule multiplier), but a score of 1e-320 made the stride infinite: the lane's pass stayed at
    /// infinity, never below the others' nor below <see cref="double.MaxValue"/>, and its jobs waited forever even with
    /// the workers idle. A score of 1e-300 made it finite but so large that, once the lane had its turn, the virtual
    /// time stood where a normal lane's stride is lost in rounding: every lane of the group tied for good and weights
    /// no longer counted. Job weights go up to 1,000,000, so the floor still leaves a ratio of 10^12.
    /// </summary>
    internal const double MinScore = 1e-6;

    /// <summary>Most lanes remembered: past it the lanes least ahead are forgotten too (they lose at most that small lead).</summary>
    internal const int MaxRemembered = 10_000;

    private readonly Dictionary<long, double> _pass = new();
    private double _virtualTime;
    private int _pruneAt = PruneFloor;

    /// <param name="oracle">The rules' multipliers.</param>
    /// <param name="agingPeriod">A lane whose oldest job waited this long counts double (three times after twice as long, ...).</param>
    public WeightedLaneSelector(IWeightOracle oracle, TimeSpan agingPeriod)
    {
        if (agingPeriod <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(agingPeriod), "The aging period must be positive.");
        _oracle = oracle;
        _agingPeriod = agingPeriod;
    }

    public LaneState? Select(IEnumerable<LaneState> readyLanes, WorkerProfile worker, DateTimeOffset now)
    {
        LaneState? best = null;
        var bestPass = double.MaxValue;
        foreach (var lane in readyLanes)
        {
            if (lane.Waiting <= 0 || !worker.JobTypes.Contains(lane.Lane.Type)) continue;
            if (Score(lane, worker, now) <= 0) continue;
            var pass = _pass.TryGetValue(lane.Lane.Id, out var known) ? Math.Max(known, _virtualTime) : _virtualTime;
            if (pass < bestPass || (pass == bestPass && lane.OldestEnqueuedAt < best!.OldestEnqueuedAt))
            {
                best = lane;
                bestPass = pass;
            }
        }
        if (best is not null) _virtualTime = bestPass;
        return best;
    }

    public void Claimed(LaneState lane, WorkerProfile worker, int count, DateTimeOffset now)
    {
        if (count <= 0) return;
        var score = Score(lane, worker, now);
        if (score <= 0) return;
        var pass = _pass.TryGetValue(lane.Lane.Id, out var known) ? Math.Max(known, _virtualTime) : _virtualTime;
        _pass[lane.Lane.Id] = pass + count / Math.Max(score, MinScore);
        if (_pass.Count > _pruneAt) ForgetLanesBehind();
    }

    /// <summary>Lanes whose pass is remembered (for tests of the bound).</summary>
    internal int RememberedLanes => _pass.Count;

    /// <summary>
    /// A lane at or behind the virtual time starts there anyway, so forgetting it changes no choice: the map keeps only
    /// lanes ahead of the others (recently served), not every lane ever served, and never more than
    /// <see cref="MaxRemembered"/>. Amortised: runs when the map doubled.
    /// </summary>
    private void ForgetLanesBehind()
    {
        foreach (var (laneId, pass) in _pass)
        {
            if (pass <= _virtualTime) _pass.Remove(laneId);
        }
        // Lanes served once each while the virtual time stands still (a stream of new lanes) all stay ahead of it.
        if (_pass.Count > MaxRemembered / 2)
        {
            foreach (var (laneId, _) in _pass.OrderBy(p => p.Value).Take(_pass.Count - MaxRemembered / 2).ToList()) _pass.Remove(laneId);
        }
        _pruneAt = Math.Min(MaxRemembered, Math.Max(PruneFloor, 2 * _pass.Count));
    }

    /// <summary>Base weight × rule multiplier × aging bonus; 0 means the worker must never get this lane.</summary>
    public double Score(LaneState lane, WorkerProfile worker, DateTimeOffset now)
    {
        var multiplier = _oracle.Multiplier(lane.Lane, worker);
        if (multiplier <= 0 || double.IsNaN(multiplier)) return 0;
        var age = Math.Max(0, (now - lane.OldestEnqueuedAt).TotalSeconds);
        return lane.Lane.Weight * multiplier * (1 + age / _agingPeriod.TotalSeconds);
    }
}
