using Worcr.Core.Dispatch;
using Worcr.Core.Fairness;
using Worcr.Postgres;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Admin;

/// <summary>
/// The share of a worker's next jobs each lane is expected to get, computed the way the fair selector chooses
/// (pure, no I/O). Fairness first: the groups with allowed lanes (a tenant each, or one shared group for fifo
/// types) split the worker's jobs by their shares (tenant weight under weighted, equal otherwise). Inside a
/// tenant's group, stride scheduling gives each lane a part proportional to its score, base weight × rule
/// multiplier × aging bonus; inside the fifo group the oldest lane takes it all. Lanes the rules forbid (factor 0)
/// and types the worker does not handle are absent. These are the scheduler's expected long-run proportions for
/// the current backlog, not a promise about the very next job: usage already recorded can favour a group for a while.
/// </summary>
internal sealed class DryRunPlanner
{
    private readonly IReadOnlyList<LaneBacklog> _lanes;
    private readonly Func<string, FairnessStrategy> _strategyOfType;
    private readonly ITenantShares _shares;
    private readonly TimeSpan _agingPeriod;
    private readonly DateTimeOffset _now;

    public DryRunPlanner(IReadOnlyList<LaneBacklog> lanes, Func<string, FairnessStrategy> strategyOfType, ITenantShares shares, TimeSpan agingPeriod, DateTimeOffset now)
    {
        _lanes = lanes;
        _strategyOfType = strategyOfType;
        _shares = shares;
        _agingPeriod = agingPeriod;
        _now = now;
    }

    /// <summary>The plan for one worker under one set of weight rules; <paramref name="multipliers"/> caches per (lane, worker signature).</summary>
    public DryRunPlanView Plan(WorkerProfile worker, WeightEvaluator weights, Dictionary<(long, string), double> multipliers)
    {
        var groups = new Dictionary<string, List<(LaneBacklog Lane, double Score)>>(StringComparer.Ordinal);
        foreach (var backlog in _lanes)
        {
            if (backlog.Waiting <= 0 || !worker.JobTypes.Contains(backlog.Lane.Type)) continue;
            var key = (backlog.Lane.Id, worker.Signature);
            if (!multipliers.TryGetValue(key, out var multiplier))
            {
                multipliers[key] = multiplier = Multiplier(weights, backlog, worker);
            }
            if (multiplier <= 0 || double.IsNaN(multiplier)) continue;
            var group = GroupOf(backlog);
            if (!groups.TryGetValue(group, out var members)) groups[group] = members = new();
            members.Add((backlog, Score(backlog, multiplier)));
        }
        var shares = groups.ToDictionary(g => g.Key, g => GroupShare(g.Key, g.Value[0].Lane));
        var totalShare = shares.Values.Sum();
        var lanes = new List<DryRunLaneView>();
        foreach (var (group, members) in groups)
        {
            var groupPart = shares[group] / totalShare;
            if (group == FifoGroup)
            {
                var oldest = members.MinBy(m => m.Lane.OldestEnqueuedAt).Lane;
                lanes.Add(View(oldest, groupPart));
                continue;
            }
            var totalScore = members.Sum(m => m.Score);
            lanes.AddRange(members.Select(m => View(m.Lane, groupPart * m.Score / totalScore)));
        }
        var ordered = lanes.OrderByDescending(l => l.Share).ThenBy(l => l.LaneId).ToList();
        return new DryRunPlanView(ordered.FirstOrDefault(), ordered);
    }

    private const string FifoGroup = "fifo";

    private string GroupOf(LaneBacklog backlog) => _strategyOfType(backlog.Lane.Type) == FairnessStrategy.Fifo ? FifoGroup : "tenant:" + backlog.Lane.Tenant;

    private double GroupShare(string group, LaneBacklog anyLane)
    {
        if (group == FifoGroup || _strategyOfType(anyLane.Lane.Type) != FairnessStrategy.Weighted) return 1;
        return EffectiveShare.Of(_shares.Share(anyLane.Lane.Tenant));
    }

    /// <summary>As <see cref="WeightedLaneSelector.Score"/>: base weight × multiplier × (1 + age / aging period).</summary>
    private double Score(LaneBacklog backlog, double multiplier)
    {
        var age = Math.Max(0, (_now - backlog.OldestEnqueuedAt).TotalSeconds);
        return backlog.Lane.Weight * multiplier * (1 + age / _agingPeriod.TotalSeconds);
    }

    private static double Multiplier(WeightEvaluator weights, LaneBacklog backlog, WorkerProfile worker) =>
        weights.Evaluate(RuleWeightOracle.LaneFacts(backlog.Lane), new WorkerFacts(worker.WorkerId, worker.Tags, worker.JobTypes.ToArray())).Multiplier;

    private static DryRunLaneView View(LaneBacklog backlog, double share) =>
        new(backlog.Lane.Id, backlog.Lane.Tenant, backlog.Lane.Type, backlog.Lane.Tags, Math.Round(share, 6));
}
