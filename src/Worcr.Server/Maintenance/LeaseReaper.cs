using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.Events;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Requeues jobs whose lease expired (their worker or node was lost): the attempt counts as failed and the job
/// goes back to waiting, where the next attempt resumes from its checkpoints.
/// </summary>
internal sealed class LeaseReaper(JobStore store, EventPublisher? events, NodeTelemetry? telemetry, ILogger<LeaseReaper> logger) : IMaintainer
{
    public string Name => "lease reaper";

    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var lost = await store.RequeueExpiredLeaseJobsAsync(ct);
        telemetry?.Lost(lost);
        events?.PublishStates(lost);
        if (lost.Count > 0) MaintenanceLog.LeasesReaped(logger, lost.Count);
        return lost.Count;
    }
}
