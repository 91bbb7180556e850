using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using static Worcr.Core.Tests.Lanes.LaneFixtures;

namespace Worcr.Core.Tests.Dispatch.Rounds;

/// <summary>
/// Plain data around a <see cref="DispatchRound"/>: lanes with jobs in memory, limits as a function, and a log of
/// what each round asked for and handed out. It plays the dispatch loop's part without any I/O.
/// </summary>
internal sealed class RoundWorld
{
    private readonly Dictionary<long, Queue<ClaimedJob>> _jobs = new();
    private long _nextJobId = 1;

    public RoundWorld(ILaneSelector selector, int maxClaimBatch = 100) => State = new DispatchState(selector, maxClaimBatch);

    public DispatchState State { get; }

    /// <summary>The limits' decision for each claim the round wants (everything by default).</summary>
    public Func<ClaimRequest, LimitDecision> Limits { get; set; } = request => LimitDecision.All(request.Count);

    /// <summary>Extra jobs the store returns beyond what a claim asked (a misbehaving store).</summary>
    public int ExtraPerClaim { get; set; }

    /// <summary>Adds a lane with <paramref name="jobs"/> jobs, all enqueued at <paramref name="enqueuedAt"/>, to the store and the index.</summary>
    public Lane AddLane(Lane lane, int jobs, DateTimeOffset? enqueuedAt = null, bool indexed = true)
    {
        var at = enqueuedAt ?? T0;
        var queue = new Queue<ClaimedJob>();
        for (var i = 0; i < jobs; i++) queue.Enqueue(new ClaimedJob(_nextJobId++, 1, lane, "{}", 3, at, null, new Dictionary<string, string>()));
        _jobs[lane.Id] = queue;
        if (indexed) State.Lanes.Add(lane, jobs, at);
        return lane;
    }

    public int WaitingIn(long laneId) => _jobs[laneId].Count;

    /// <summary>Runs one round to its end at <paramref name="now"/>; <paramref name="refuses"/> names workers that refuse assignments.</summary>
    public RoundLog Run(IReadOnlyList<WorkerCredits> workers, DateTimeOffset now, ISet<int>? refuses = null)
    {
        var log = new RoundLog();
        var round = State.StartRound(workers);
        while (round.Next(now) is { } request)
        {
            if (log.Requests.Count > 10_000) throw new InvalidOperationException("The round does not end.");
            log.Requests.Add(request);
            if (round.Permit(request, Limits(request), now) is not { } claim)
            {
                log.Denied.Add(request.Lane.Lane.Id);
                continue;
            }
            log.Claims.Add(claim);
            var jobs = Take(claim.Lane.Lane.Id, claim.Count + ExtraPerClaim);
            var outcome = round.Claimed(claim, jobs, now);
            foreach (var job in outcome.Assign)
            {
                if (refuses?.Contains(claim.Worker) == true)
                {
                    round.WorkerStopped(claim.Worker);
                    GiveBack(job, log);
                    continue;
                }
                log.Assigned.Add((claim.Worker, job));
            }
            foreach (var job in outcome.GiveBack) GiveBack(job, log);
        }
        log.ClaimedAny = round.ClaimedAny;
        return log;
    }

    private List<ClaimedJob> Take(long laneId, int count)
    {
        var taken = new List<ClaimedJob>();
        var queue = _jobs[laneId];
        while (taken.Count < count && queue.TryDequeue(out var job)) taken.Add(job);
        return taken;
    }

    private void GiveBack(ClaimedJob job, RoundLog log)
    {
        log.GivenBack.Add(job);
        var queue = _jobs[job.Lane.Id];
        _jobs[job.Lane.Id] = new Queue<ClaimedJob>(queue.Prepend(job));
    }
}

/// <summary>What one round did.</summary>
internal sealed class RoundLog
{
    public List<ClaimRequest> Requests { get; } = [];

    public List<ClaimRequest> Claims { get; } = [];

    public List<long> Denied { get; } = [];

    public List<(int Worker, ClaimedJob Job)> Assigned { get; } = [];

    public List<ClaimedJob> GivenBack { get; } = [];

    public bool ClaimedAny { get; set; }

    public int AssignedTo(int worker) => Assigned.Count(a => a.Worker == worker);

    public int AssignedFrom(long laneId) => Assigned.Count(a => a.Job.Lane.Id == laneId);
}
