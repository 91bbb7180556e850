using Grpc.Core;

namespace Worcr.Worker.Internal;

internal static class FatalStatus
{
    /// <summary>
    /// Refusals that reconnecting cannot fix (a wrong token, a bad Hello, a node without the Workers service):
    /// retrying forever would hide a configuration error, so the worker stops with it instead.
    /// </summary>
    public static bool IsFatal(SessionEnd end) =>
        !end.Welcomed && end.Error is RpcException
        {
            StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied
                or StatusCode.InvalidArgument or StatusCode.Unimplemented,
        };
}
