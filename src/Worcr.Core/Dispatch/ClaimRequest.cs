using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>A round's wish: claim up to <paramref name="Count"/> jobs of a lane for one worker.</summary>
/// <param name="Worker">The worker's position in the list the round was started with.</param>
/// <param name="Profile">That worker's profile.</param>
/// <param name="Lane">The lane the selector chose, as the index knew it.</param>
/// <param name="Count">How many jobs to claim: the worker's credits, capped by the claim batch (and by limits, once decided).</param>
public sealed record ClaimRequest(int Worker, WorkerProfile Profile, LaneState Lane, int Count);
