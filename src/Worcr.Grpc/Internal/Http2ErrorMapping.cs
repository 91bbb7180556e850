namespace Worcr.Grpc.Internal;

/// <summary>Maps an HTTP/2 RST_STREAM or GOAWAY error code to a gRPC status, per the gRPC-over-HTTP/2 spec.</summary>
internal static class Http2ErrorMapping
{
    private const long RefusedStream = 0x7;
    private const long Cancel = 0x8;
    private const long EnhanceYourCalm = 0xb;
    private const long InadequateSecurity = 0xc;

    public static RpcException ToRpcException(HttpProtocolException exception)
    {
        var code = exception.ErrorCode switch
        {
            RefusedStream => StatusCode.Unavailable,
            Cancel => StatusCode.Cancelled,
            EnhanceYourCalm => StatusCode.ResourceExhausted,
            InadequateSecurity => StatusCode.PermissionDenied,
            _ => StatusCode.Internal,
        };
        return new RpcException(code, $"HTTP/2 error {exception.ErrorCode}: {exception.Message}");
    }
}
