using Microsoft.Extensions.Logging;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Maintenance;

/// <summary>Scheduled jobs and failed jobs waiting for a retry become waiting when their run_at has come.</summary>
internal sealed class ScheduledJobPromoter(JobLifecycle lifecycle, ILogger<ScheduledJobPromoter> logger) : IMaintainer
{
    /// <summary>Most jobs promoted per pass, so one pass stays short; the rest follow in the next passes.</summary>
    public const int BatchSize = 1000;

    public string Name => "promoter";

    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var promoted = await lifecycle.PromoteDueAsync(BatchSize, ct);
        if (promoted.Count > 0) MaintenanceLog.JobsPromoted(logger, promoted.Count);
        return promoted.Count;
    }
}
