namespace Worcr.Grpc.Server;

/// <summary>Sends messages down a response stream. Safe for concurrent writers: writes are serialised.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken ct = default);
}
