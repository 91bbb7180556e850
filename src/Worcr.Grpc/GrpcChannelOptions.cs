namespace Worcr.Grpc;

/// <summary>Client options. Sizes are in bytes; both default to 4 MiB, as in every gRPC implementation.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>A response message declaring more than this fails the call with RESOURCE_EXHAUSTED before it is read.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>A request message larger than this fails with RESOURCE_EXHAUSTED and is never sent.</summary>
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Replaces the channel's own SocketsHttpHandler (e.g. for tests); the channel does not dispose it.</summary>
    public HttpMessageHandler? Handler { get; set; }

    internal void Validate()
    {
        if (MaxReceiveMessageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxReceiveMessageSize), MaxReceiveMessageSize, "GrpcChannelOptions.MaxReceiveMessageSize must be positive.");
        }

        if (MaxSendMessageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxSendMessageSize), MaxSendMessageSize, "GrpcChannelOptions.MaxSendMessageSize must be positive.");
        }
    }
}
