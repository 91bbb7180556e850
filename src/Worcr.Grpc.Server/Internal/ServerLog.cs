using Microsoft.Extensions.Logging;

namespace Worcr.Grpc.Server.Internal;

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "gRPC handler for {Method} threw; the client gets UNKNOWN.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Ignoring invalid grpc-timeout '{Value}' on {Method}.")]
    public static partial void InvalidTimeout(ILogger logger, string value, string method);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);
}
