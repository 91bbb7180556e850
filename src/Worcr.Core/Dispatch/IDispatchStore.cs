using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>
/// The storage a node's dispatch loop needs, and nothing more: the backlog to rebuild its lane index, a lane by
/// id for lanes learnt from notifications, the claim, and giving back a claimed job no worker can take.
/// tests/Worcr.Postgres.Tests/Conformance states what every implementation must do.
/// </summary>
public interface IDispatchStore
{
    /// <summary>Lanes that have waiting jobs, with their count and oldest enqueue time.</summary>
    Task<IReadOnlyList<LaneBacklog>> ReadBacklogAsync(CancellationToken ct = default);

    /// <summary>The lane with this id; null when there is none.</summary>
    Task<Lane?> GetLaneAsync(long laneId, CancellationToken ct = default);

    /// <summary>
    /// Leases up to <paramref name="limit"/> of the lane's oldest waiting, unexpired jobs to a worker, oldest first;
    /// concurrent claimers never get the same job.
    /// </summary>
    /// <param name="lease">The lease for jobs whose type sets none of its own.</param>
    Task<IReadOnlyList<ClaimedJob>> ClaimAsync(long laneId, int limit, string workerId, string nodeId, TimeSpan lease, CancellationToken ct = default);

    /// <summary>
    /// Puts a claimed job that never reached its worker back to waiting, at once and without a failure; false when
    /// that attempt is no longer the running one.
    /// </summary>
    Task<bool> GiveBackAsync(ClaimedJob job, CancellationToken ct = default);
}
