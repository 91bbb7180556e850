using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Scripting;

namespace Worcr.Cli.Bench;

/// <summary>
/// Every (lane, worker) pair, addressed by a running counter that walks them round robin, with the facts a rule
/// sees built once up front: the benchmark measures rules and caches, not the building of their arguments.
/// </summary>
internal sealed class RulePairs
{
    private readonly JobFacts[] _jobFacts;
    private readonly WorkerFacts[] _workerFacts;

    private RulePairs(IReadOnlyList<Lane> lanes, IReadOnlyList<WorkerProfile> workers)
    {
        Lanes = lanes;
        Workers = workers;
        _jobFacts = lanes.Select(BenchRuleBook.LaneFacts).ToArray();
        _workerFacts = workers.Select(worker => new WorkerFacts(worker.WorkerId, worker.Tags, worker.JobTypes.ToArray())).ToArray();
    }

    public IReadOnlyList<Lane> Lanes { get; }

    public IReadOnlyList<WorkerProfile> Workers { get; }

    public int Count => Lanes.Count * Workers.Count;

    public static RulePairs Of(IReadOnlyList<Lane> lanes, IReadOnlyList<WorkerProfile> workers)
    {
        if (lanes.Count == 0 || workers.Count == 0) throw new ArgumentException("Needs at least one lane and one worker.");
        return new RulePairs(lanes, workers);
    }

    /// <summary>Pair i's lane: the lane index moves fastest, so consecutive pairs differ (no accidental hot spot).</summary>
    public Lane LaneAt(long i) => Lanes[LaneIndex(i)];

    public WorkerProfile WorkerAt(long i) => Workers[WorkerIndex(i)];

    public JobFacts JobFactsAt(long i) => _jobFacts[LaneIndex(i)];

    public WorkerFacts WorkerFactsAt(long i) => _workerFacts[WorkerIndex(i)];

    internal int LaneIndex(long i) => (int)(i % Lanes.Count);

    internal int WorkerIndex(long i) => (int)(i / Lanes.Count % Workers.Count);
}
