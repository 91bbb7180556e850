using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.Events;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Maintenance;

/// <summary>Jobs that reached expires_at before they started move to history as expired.</summary>
internal sealed class JobExpirer(JobStore store, EventPublisher? events, NodeTelemetry? telemetry, ILogger<JobExpirer> logger) : IMaintainer
{
    /// <summary>Most jobs expired per pass, so one pass stays short; the rest follow in the next passes.</summary>
    public const int BatchSize = 1000;

    public string Name => "expirer";

    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var gone = await store.ExpireJobsAsync(BatchSize, ct);
        telemetry?.Expired(gone);
        events?.PublishStates(gone);
        if (gone.Count > 0) MaintenanceLog.JobsExpired(logger, gone.Count);
        return 0;
    }
}
