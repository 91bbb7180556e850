namespace Worcr.Grpc;

/// <summary>
/// A non-OK gRPC status. Handlers throw it to answer with that status; the client throws it when a call ends with one.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail)
        : this(statusCode, detail, new Metadata())
    {
    }

    internal RpcException(StatusCode statusCode, string detail, Metadata trailers)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")")
    {
        StatusCode = statusCode;
        Detail = detail;
        Trailers = trailers;
    }

    public StatusCode StatusCode { get; }

    public string Detail { get; }

    /// <summary>Extra trailers: a handler may add some before throwing; on the client, the trailers received.</summary>
    public Metadata Trailers { get; }
}
