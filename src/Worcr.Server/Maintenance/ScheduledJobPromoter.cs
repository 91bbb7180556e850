using Microsoft.Extensions.Logging;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Scheduled jobs and failed jobs waiting for a retry become waiting when their run_at has come: in batches, again
/// while they come back full, for up to <paramref name="passBudget"/> a pass (<see cref="BatchCatchUp"/>).
/// </summary>
internal sealed class ScheduledJobPromoter(JobLifecycle lifecycle, TimeSpan passBudget, TimeProvider time, ILogger<ScheduledJobPromoter> logger) : IMaintainer
{
    /// <summary>Most jobs promoted by one statement, so each transaction stays short.</summary>
    public const int BatchSize = 1000;

    public string Name => "promoter";

    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var promoted = await BatchCatchUp.RunAsync(async () => (await lifecycle.PromoteDueAsync(BatchSize, ct)).Count, BatchSize, passBudget, time);
        if (promoted > 0) MaintenanceLog.JobsPromoted(logger, promoted);
        return promoted;
    }
}
