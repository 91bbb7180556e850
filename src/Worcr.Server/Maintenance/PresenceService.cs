using System.Globalization;
using Worcr.Redis;
using Worcr.Server.Dispatch;
using Worcr.Server.Hosting;

namespace Worcr.Server.Maintenance;

/// <summary>Announces this node and its connected workers in Redis, so every node and the GUI can list them.</summary>
internal sealed class PresenceService
{
    private readonly PresenceRegistry _registry;
    private readonly Dispatcher _dispatcher;
    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly string _grpcAddress;

    public PresenceService(PresenceRegistry registry, Dispatcher dispatcher, NodeOptions options, TimeProvider time, string grpcAddress)
    {
        _registry = registry;
        _dispatcher = dispatcher;
        _options = options;
        _time = time;
        _grpcAddress = grpcAddress;
    }

    private TimeSpan Ttl => _options.HeartbeatInterval * 3;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            do
            {
                await BeatAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await _registry.RemoveAsync("node", _options.NodeId, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        var sessions = _dispatcher.Sessions.ToArray();
        await _registry.HeartbeatAsync("node", _options.NodeId, new Dictionary<string, string>
        {
            ["grpc"] = _grpcAddress,
            ["workers"] = sessions.Length.ToString(CultureInfo.InvariantCulture),
        }, Ttl, stoppingToken);
        foreach (var session in sessions)
        {
            await _registry.HeartbeatAsync("worker", session.WorkerId, new Dictionary<string, string>
            {
                ["node"] = _options.NodeId,
                ["tags"] = string.Join(',', session.Profile.Tags),
                ["types"] = string.Join(',', session.Profile.JobTypes),
                ["running"] = session.RunningCount.ToString(CultureInfo.InvariantCulture),
            }, Ttl, stoppingToken);
        }
    }
}
