using Microsoft.Extensions.Logging;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Requeues jobs whose lease expired (their worker or node was lost): the attempt counts as failed and the job
/// goes back to waiting, where the next attempt resumes from its checkpoints.
/// </summary>
internal sealed class LeaseReaper(JobLifecycle lifecycle, ILogger<LeaseReaper> logger) : IMaintainer
{
    public string Name => "lease reaper";

    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var lost = await lifecycle.RequeueExpiredLeasesAsync(ct);
        if (lost.Count > 0) MaintenanceLog.LeasesReaped(logger, lost.Count);
        return lost.Count;
    }
}
