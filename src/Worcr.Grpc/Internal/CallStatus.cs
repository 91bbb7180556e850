namespace Worcr.Grpc.Internal;

/// <summary>The outcome of a call as received: code, detail and the user trailers that came with it.</summary>
internal sealed record CallStatus(StatusCode Code, string Detail, Metadata Trailers)
{
    public static CallStatus From(RpcException exception) => new(exception.StatusCode, exception.Detail, exception.Trailers);

    public RpcException ToException() => new(Code, Detail, Trailers);
}
