using Microsoft.Extensions.Logging;

namespace Worcr.Server.Workers;

internal static partial class WorkersLog
{
    [LoggerMessage(2101, LogLevel.Warning, "Worker {WorkerId}: a second connection with the same id was refused; the id is connected to node {NodeId}.")]
    public static partial void DuplicateWorkerRefused(ILogger logger, string workerId, string nodeId);

    [LoggerMessage(2102, LogLevel.Warning, "Worker {WorkerId}: Redis could not be asked whether the id is connected elsewhere; only this node's connections were checked.")]
    public static partial void WorkerIdCheckedLocally(ILogger logger, Exception exception, string workerId);

    [LoggerMessage(2103, LogLevel.Debug, "Worker {WorkerId}: the report on job {JobId} was refused: {Reason}")]
    public static partial void ReportRefused(ILogger logger, string workerId, string jobId, string reason);

    [LoggerMessage(2104, LogLevel.Warning, "Worker {WorkerId}: job {JobId} attempt {Attempt} cannot be delivered ({Bytes} bytes, the message limit is {Limit}); it is dead.")]
    public static partial void AssignTooLarge(ILogger logger, string workerId, long jobId, int attempt, int bytes, int limit);

    [LoggerMessage(2105, LogLevel.Warning, "Worker {WorkerId} left {Bytes} bytes unread past its bound; its stream is cut off.")]
    public static partial void WorkerCutOff(ILogger logger, string workerId, int bytes);

    [LoggerMessage(2106, LogLevel.Warning, "Storing {Count} progress update(s) and {Lines} log line(s) failed; the writer keeps them and tries again with backoff.")]
    public static partial void ReportFlushFailed(ILogger logger, Exception exception, int count, int lines);

    [LoggerMessage(2107, LogLevel.Warning, "A report PostgreSQL refuses was dropped (job {JobId}): {Error}")]
    public static partial void PoisonReportDropped(ILogger logger, long jobId, string error);

    [LoggerMessage(2108, LogLevel.Warning, "Worker {WorkerId}: renewing its id's claim failed; the next heartbeat tries again.")]
    public static partial void WorkerIdRenewFailed(ILogger logger, Exception exception, string workerId);

    [LoggerMessage(2109, LogLevel.Warning, "Worker {WorkerId}: releasing the {Count} running job(s) of its ended stream failed; their leases lapse and the lease reaper requeues them.")]
    public static partial void ReleaseLeftToReaper(ILogger logger, Exception exception, string workerId, int count);

    [LoggerMessage(2111, LogLevel.Warning, "Worker {WorkerId}: the checkpoint of job {JobId} attempt {Attempt} was not saved (PostgreSQL unavailable); the worker is told it may try again.")]
    public static partial void CheckpointNotSaved(ILogger logger, Exception exception, string workerId, long jobId, int attempt);

    [LoggerMessage(2113, LogLevel.Error, "Worker {WorkerId}: the checkpoint of job {JobId} attempt {Attempt} could not be saved; the worker is told so (not to try again).")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string workerId, long jobId, int attempt);

    [LoggerMessage(2114, LogLevel.Error, "Worker {WorkerId}: a progress or log report of job {JobId}, queued behind its checkpoint, failed and was dropped.")]
    public static partial void QueuedReportFailed(ILogger logger, Exception exception, string workerId, long jobId);
}
