using Microsoft.Extensions.Logging;

namespace Worcr.Server.Maintenance;

/// <summary>Log messages of the maintainers (event ids 3010-3099; the leader's own are in ServerLog, 3001-3002).</summary>
internal static partial class MaintenanceLog
{
    [LoggerMessage(3010, LogLevel.Information, "Lease reaper: {Count} job(s) whose lease expired went back to waiting.")]
    public static partial void LeasesReaped(ILogger logger, int count);

    [LoggerMessage(3011, LogLevel.Information, "Promoter: {Count} scheduled or retrying job(s) became due.")]
    public static partial void JobsPromoted(ILogger logger, int count);

    [LoggerMessage(3012, LogLevel.Information, "Expirer: {Count} job(s) reached expires_at before they started.")]
    public static partial void JobsExpired(ILogger logger, int count);

    [LoggerMessage(3013, LogLevel.Warning, "Maintainer '{Maintainer}' failed; it runs again at the next pass.")]
    public static partial void MaintainerFailed(ILogger logger, string maintainer, Exception exception);

    [LoggerMessage(3014, LogLevel.Information, "Retention: dropped {Partitions} job_history partition(s); deleted {HistoryRows} finished job(s) row by row, {Webhooks} webhook event(s), {Lanes} idle lane(s), {RuleVersions} old rule version(s); added {Added} partition(s); behind: {Behind}.")]
    public static partial void RetentionPass(ILogger logger, int partitions, int historyRows, int webhooks, int lanes, int ruleVersions, int added, bool behind);

    [LoggerMessage(3015, LogLevel.Information, "Statistics refresher: analyzed jobs, grown from {MeasuredPages} to {Pages} pages since last measured.")]
    public static partial void JobsAnalyzed(ILogger logger, long measuredPages, long pages);

    [LoggerMessage(3016, LogLevel.Information, "Retention: gave up the {Change} of job_history partition {Partition}: another session held job_history past the short lock wait (a long query or dump?). Partitions are added and dropped again after {Interval}; the rest of retention goes on.")]
    public static partial void PartitionChangeGaveWay(ILogger logger, string change, string partition, TimeSpan interval);
}
