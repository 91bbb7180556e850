using Microsoft.Extensions.Logging;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Maintenance;

/// <summary>Jobs that reached expires_at before they started move to history as expired.</summary>
internal sealed class JobExpirer(JobLifecycle lifecycle, ILogger<JobExpirer> logger) : IMaintainer
{
    /// <summary>Most jobs expired per pass, so one pass stays short; the rest follow in the next passes.</summary>
    public const int BatchSize = 1000;

    public string Name => "expirer";

    /// <returns>0: expired jobs make nothing ready to dispatch.</returns>
    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var gone = await lifecycle.ExpireAsync(BatchSize, ct);
        if (gone.Count > 0) MaintenanceLog.JobsExpired(logger, gone.Count);
        return 0;
    }
}
