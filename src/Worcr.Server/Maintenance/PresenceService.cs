using System.Globalization;
using Microsoft.Extensions.Options;
using Worcr.Redis;
using Worcr.Server.Dispatch;
using Worcr.Server.Hosting;
using Worcr.Server.Transport;
using Worcr.Server.Workers;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Announces this node and its connected workers in Redis, so every node and the GUI can list them. Beats every
/// heartbeat interval and soon after a worker joins or leaves; a worker that left is removed at once, not left to expire.
/// </summary>
internal sealed class PresenceService
{
    // Workers joining or leaving in a burst (a deploy) are announced together, not one beat each.
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(100);
    private readonly PresenceRegistry _registry;
    private readonly Dispatcher _dispatcher;
    private readonly TimeSpan _heartbeatInterval;
    private readonly string _nodeId;
    private readonly TimeProvider _time;
    private readonly string _grpcAddress;
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);

    public PresenceService(PresenceRegistry registry, Dispatcher dispatcher, IOptions<LeaseOptions> leases, IOptions<NodeIdentityOptions> identity,
        TimeProvider time, string grpcAddress)
    {
        _registry = registry;
        _dispatcher = dispatcher;
        _heartbeatInterval = leases.Value.HeartbeatInterval;
        _nodeId = identity.Value.NodeId;
        _time = time;
        _grpcAddress = grpcAddress;
    }

    /// <summary>Where this node serves the admin API and GUI.</summary>
    public string HttpAddress { get; init; } = "";

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Whether this node holds the maintenance leader lock right now.</summary>
    public Func<bool> IsLeader { get; init; } = () => false;

    private TimeSpan Ttl => _heartbeatInterval * 3;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            do
            {
                await BeatAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            while (await WaitForNextBeatAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await _registry.RemoveAsync("node", _nodeId, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task<bool> WaitForNextBeatAsync(CancellationToken stoppingToken)
    {
        var left = _dispatcher.SessionsChanged;
        var interval = Task.Delay(_heartbeatInterval, _time, stoppingToken);
        if (await Task.WhenAny(interval, left) == left) await Task.Delay(Coalesce, _time, stoppingToken);
        stoppingToken.ThrowIfCancellationRequested();
        return true;
    }

    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        var sessions = _dispatcher.Sessions.ToArray();
        await _registry.HeartbeatAsync("node", _nodeId, new Dictionary<string, string>
        {
            ["grpc"] = _grpcAddress,
            ["http"] = HttpAddress,
            ["workers"] = sessions.Length.ToString(CultureInfo.InvariantCulture),
            ["started"] = StartedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["leader"] = IsLeader() ? "1" : "0",
        }, Ttl, stoppingToken);
        // All workers in one script call: one round trip per beat, however many workers the node serves.
        await _registry.HeartbeatAsync("worker", sessions.Select(s => new PresenceBeat(s.WorkerId, WorkerInfo(s))).ToArray(), Ttl, stoppingToken);
        _announced.UnionWith(sessions.Select(s => s.WorkerId));
        var present = sessions.Select(s => s.WorkerId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _announced.Where(id => !present.Contains(id)).ToArray())
        {
            await _registry.RemoveAsync("worker", gone, stoppingToken);
            _announced.Remove(gone);
        }
    }

    private Dictionary<string, string> WorkerInfo(WorkerSession session) => new()
    {
        ["node"] = _nodeId,
        ["tags"] = string.Join(',', session.Profile.Tags),
        ["types"] = string.Join(',', session.Profile.JobTypes),
        ["running"] = session.RunningCount.ToString(CultureInfo.InvariantCulture),
        ["capacity"] = session.Capacity.ToString(CultureInfo.InvariantCulture),
        ["jobs"] = string.Join(',', session.RunningJobIds().Select(Messages.JobId)),
        ["connected"] = session.ConnectedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        ["draining"] = session.IsDraining ? "1" : "0",
    };
}
