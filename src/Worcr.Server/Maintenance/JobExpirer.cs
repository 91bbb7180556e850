using Microsoft.Extensions.Logging;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Jobs that reached expires_at before they started move to history as expired: in batches, again while they come
/// back full, for up to <paramref name="passBudget"/> a pass (<see cref="BatchCatchUp"/>).
/// </summary>
internal sealed class JobExpirer(JobLifecycle lifecycle, TimeSpan passBudget, TimeProvider time, ILogger<JobExpirer> logger) : IMaintainer
{
    /// <summary>Most jobs expired by one statement, so each transaction stays short.</summary>
    public const int BatchSize = 1000;

    public string Name => "expirer";

    /// <returns>0: expired jobs make nothing ready to dispatch.</returns>
    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var gone = await BatchCatchUp.RunAsync(async () => (await lifecycle.ExpireAsync(BatchSize, ct)).Count, BatchSize, passBudget, time);
        if (gone > 0) MaintenanceLog.JobsExpired(logger, gone);
        return 0;
    }
}
