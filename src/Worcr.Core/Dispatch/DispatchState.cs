using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>
/// What a node's dispatch keeps from one round to the next: the ready-lane index, the parked lanes, the lane
/// selector (with its fairness and stride state) and the worker rotation. Rounds read and update it; the dispatch
/// loop owns it and feeds it what it learns from storage. Not thread-safe, except <see cref="Parking"/>.
/// </summary>
public sealed class DispatchState
{
    private uint _rotation;

    /// <param name="selector">Picks the lane a worker takes work from.</param>
    /// <param name="maxClaimBatch">The most jobs one claim may take.</param>
    public DispatchState(ILaneSelector selector, int maxClaimBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClaimBatch, 1);
        Selector = selector;
        MaxClaimBatch = maxClaimBatch;
    }

    public ILaneSelector Selector { get; }

    public int MaxClaimBatch { get; }

    /// <summary>Which lanes have ready jobs, as far as this node knows.</summary>
    public LaneIndex Lanes { get; } = new();

    /// <summary>Lanes their limits denied, until their retry time.</summary>
    public LaneParking Parking { get; } = new();

    /// <summary>A round over these workers (their order does not matter: passes start at a rotating position).</summary>
    public DispatchRound StartRound(IReadOnlyList<WorkerCredits> workers) => new(this, workers);

    /// <summary>Where the next pass over <paramref name="workers"/> workers starts, so none is always served first.</summary>
    internal int NextPassStart(int workers) => (int)(++_rotation % (uint)workers);
}
