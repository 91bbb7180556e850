using Microsoft.Extensions.Logging;
using Worcr.Postgres;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Analyzes the jobs table once it has grown severalfold since PostgreSQL last measured it (<see cref="JobsStatistics"/>),
/// so every node plans its statements for the table as it is now, not as it was when empty.
/// </summary>
internal sealed class StatisticsRefresher(JobsStatistics statistics, ILogger<StatisticsRefresher> logger) : IMaintainer
{
    public string Name => "statistics refresher";

    /// <returns>0: statistics make nothing ready to dispatch.</returns>
    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        if (await statistics.AnalyzeIfGrownAsync(ct) is { } growth) MaintenanceLog.JobsAnalyzed(logger, growth.MeasuredPages, growth.Pages);
        return 0;
    }
}
