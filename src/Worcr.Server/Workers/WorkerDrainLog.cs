using Microsoft.Extensions.Logging;

namespace Worcr.Server.Workers;

/// <summary>Log messages of draining one worker at an operator's request (event ids 9000-9099).</summary>
internal static partial class WorkerDrainLog
{
    [LoggerMessage(9001, LogLevel.Information, "Worker {WorkerId} is draining at an operator's request.")]
    public static partial void WorkerDrained(ILogger logger, string workerId);

    [LoggerMessage(9002, LogLevel.Warning, "A drain request for worker {WorkerId} arrived, but it is not connected to this node.")]
    public static partial void DrainTargetGone(ILogger logger, string workerId);
}
