using System.Threading.Channels;
using Worcr.Grpc.Health.V1;
using ServingStatus = Worcr.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Worcr.Grpc.Server;

/// <summary>
/// The standard gRPC health service. The empty service name stands for the whole server and starts SERVING;
/// Check answers NOT_FOUND for a service never set; Watch sends the current status, then every change.
/// </summary>
public sealed class HealthService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [""] = ServingStatus.Serving };
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            foreach (var watcher in _watchers.GetValueOrDefault(service) ?? [])
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }

    internal Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(request.Service, out var status)
                ? Task.FromResult(new HealthCheckResponse { Status = status })
                : throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }
    }

    internal async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> writer, ServerCallContext context)
    {
        var changes = Subscribe(request.Service);
        try
        {
            await foreach (var status in changes.Reader.ReadAllAsync(context.CancellationToken))
            {
                await writer.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
            }
        }
        finally
        {
            Unsubscribe(request.Service, changes);
        }
    }

    private Channel<ServingStatus> Subscribe(string service)
    {
        // A watcher only needs the latest status: a slow reader skips intermediate ones.
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            channel.Writer.TryWrite(_statuses.GetValueOrDefault(service, ServingStatus.ServiceUnknown));
            if (!_watchers.TryGetValue(service, out var list))
            {
                _watchers[service] = list = [];
            }

            list.Add(channel);
        }

        return channel;
    }

    private void Unsubscribe(string service, Channel<ServingStatus> channel)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(service, out var list) && list.Remove(channel) && list.Count == 0)
            {
                _watchers.Remove(service);
            }
        }
    }
}
