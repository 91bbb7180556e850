namespace Worcr.Grpc;

/// <summary>Per-call options. <paramref name="Deadline"/> is in UTC and travels to the server as grpc-timeout.</summary>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default);
