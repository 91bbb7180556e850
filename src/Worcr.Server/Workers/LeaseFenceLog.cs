using Microsoft.Extensions.Logging;

namespace Worcr.Server.Workers;

internal static partial class LeaseFenceLog
{
    [LoggerMessage(2120, LogLevel.Warning, "Worker {WorkerId}: {Count} running attempt(s) stopped and their reports refused: {Reason}.")]
    public static partial void AttemptsStopped(ILogger logger, string workerId, int count, string reason);
}
