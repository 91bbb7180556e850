namespace Worcr.Core.Dispatch;

/// <summary>
/// One dispatch round, with no I/O: given the workers' credits, it says which lane each worker should claim from
/// (<see cref="Next"/>), takes the limits' decision on that (<see cref="Permit"/>), and turns the claimed jobs into
/// assignments and give-backs (<see cref="Claimed"/>). The caller does the talking to storage, limits and workers
/// in between, and passes the time in. A round makes passes over the workers, each starting at the next one in
/// rotation, until a whole pass claims and parks nothing; a lane its limits denied is parked and the pass goes on, so the
/// next pass picks another lane. Not thread-safe: one caller drives it.
/// </summary>
public sealed class DispatchRound
{
    private readonly DispatchState _state;
    private readonly IReadOnlyList<WorkerCredits> _workers;
    private readonly int[] _credits;
    private int _passStart;
    private int _visited;
    private bool _passAgain;

    internal DispatchRound(DispatchState state, IReadOnlyList<WorkerCredits> workers)
    {
        _state = state;
        _workers = workers;
        _credits = workers.Select(w => Math.Max(0, w.Credits)).ToArray();
        _visited = workers.Count;
        _passAgain = workers.Count > 0;
    }

    /// <summary>True once a claim of this round returned jobs.</summary>
    public bool ClaimedAny { get; private set; }

    /// <summary>The next claim to try, or null when the round is over.</summary>
    public ClaimRequest? Next(DateTimeOffset now)
    {
        while (true)
        {
            if (_visited == _workers.Count)
            {
                if (!_passAgain) return null;
                StartPass();
            }
            var worker = (_passStart + _visited++) % _workers.Count;
            if (_credits[worker] <= 0) continue;
            var profile = _workers[worker].Profile;
            var lane = _state.Selector.Select(_state.Parking.Unparked(_state.Lanes.Ready, now), profile, now);
            if (lane is null) continue;
            return new ClaimRequest(worker, profile, lane, Math.Min(_credits[worker], _state.MaxClaimBatch));
        }
    }

    /// <summary>
    /// The limits' answer to <paramref name="request"/>: the claim to run, capped by what they granted, or null when
    /// they granted nothing; that lane is then parked until their retry time and another pass follows.
    /// </summary>
    public ClaimRequest? Permit(ClaimRequest request, LimitDecision decision, DateTimeOffset now)
    {
        if (decision.Granted > 0) return decision.Granted >= request.Count ? request : request with { Count = decision.Granted };
        _state.Parking.Park(request.Lane.Lane, now, decision.RetryAfter);
        _passAgain = true;
        return null;
    }

    /// <summary>
    /// The jobs <paramref name="claim"/> returned: the lane index and the selector learn of them, the worker's credits
    /// go down, and each job is assigned, or given back when the worker has no credit left for it.
    /// </summary>
    public ClaimOutcome Claimed(ClaimRequest claim, IReadOnlyList<ClaimedJob> jobs, DateTimeOffset now)
    {
        // Claims take the oldest jobs first, so the lane's next head is at least as young as the youngest claimed.
        DateTimeOffset? nextOldest = jobs.Count > 0 ? jobs.Max(j => j.EnqueuedAt) : null;
        _state.Lanes.Claimed(claim.Lane.Lane.Id, claim.Count, jobs.Count, nextOldest);
        _state.Selector.Claimed(claim.Lane, claim.Profile, jobs.Count, now);
        if (jobs.Count == 0) return new ClaimOutcome([], []);
        ClaimedAny = _passAgain = true;
        var fits = Math.Min(jobs.Count, _credits[claim.Worker]);
        _credits[claim.Worker] -= fits;
        return fits == jobs.Count ? new ClaimOutcome(jobs, []) : new ClaimOutcome(jobs.Take(fits).ToArray(), jobs.Skip(fits).ToArray());
    }

    /// <summary>The worker refused an assignment (it said Goodbye or was drained): it gets nothing more this round.</summary>
    public void WorkerStopped(int worker) => _credits[worker] = 0;

    private void StartPass()
    {
        _passStart = _state.NextPassStart(_workers.Count);
        _visited = 0;
        _passAgain = false;
    }
}
