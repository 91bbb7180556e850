using Google.Protobuf;

namespace Worcr.Grpc.Server.Internal;

internal sealed class ServerStreamWriter<T>(ServerCall call) : IServerStreamWriter<T>
    where T : IMessage<T>
{
    public Task WriteAsync(T message, CancellationToken ct = default) => call.WriteMessageAsync(message, ct);
}
