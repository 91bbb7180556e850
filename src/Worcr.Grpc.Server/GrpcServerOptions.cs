namespace Worcr.Grpc.Server;

/// <summary>Server options, validated by AddWorcrGrpc at start-up. Sizes are in bytes.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>A request message declaring more than this is refused with RESOURCE_EXHAUSTED before it is read. Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>A response message larger than this fails the call with RESOURCE_EXHAUSTED instead of being sent. Default 4 MiB.</summary>
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    internal void Validate()
    {
        if (MaxReceiveMessageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxReceiveMessageSize),
                MaxReceiveMessageSize,
                "GrpcServerOptions.MaxReceiveMessageSize must be a positive number of bytes (default 4194304).");
        }

        if (MaxSendMessageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxSendMessageSize),
                MaxSendMessageSize,
                "GrpcServerOptions.MaxSendMessageSize must be a positive number of bytes (default 4194304).");
        }
    }
}
