using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Worcr.Protocol.V1;
using Worcr.Redis;
using Worcr.Server.Admin;
using Worcr.Server.Dispatch;

namespace Worcr.Server.Workers;

/// <summary>
/// Drains one worker wherever it is connected: the request goes over Redis pub/sub to the node holding the
/// worker's stream (channel "{prefix}drain:{node id}", payload the worker id), which sends it Drain and stops
/// giving it jobs. The worker finishes or yields what it runs and reconnects, as after a node's drain.
/// </summary>
internal sealed class WorkerDrainRouter
{
    private const string Reason = "drained by an operator";
    private readonly RedisConnection _redis;
    private readonly RedisSubscriber _subscriber;
    private readonly string _keyPrefix;
    private readonly string _nodeId;
    private readonly Dispatcher _dispatcher;
    private readonly TimeSpan _drainTimeout;
    private readonly ILogger _logger;

    public WorkerDrainRouter(RedisConnection redis, string keyPrefix, string nodeId, Dispatcher dispatcher, TimeSpan drainTimeout, ILogger<WorkerDrainRouter> logger)
    {
        _redis = redis;
        _subscriber = new RedisSubscriber(redis);
        _keyPrefix = keyPrefix;
        _nodeId = nodeId;
        _dispatcher = dispatcher;
        _drainTimeout = drainTimeout;
        _logger = logger;
    }

    /// <summary>Subscribes to this node's drain channel, before the node serves the admin API.</summary>
    public Task StartAsync() => _subscriber.SubscribeAsync(Channel(_nodeId), (_, workerId) =>
    {
        if (!DrainHere(workerId)) AdminLog.DrainTargetGone(_logger, workerId);
    });

    /// <summary>Asks the node holding the worker to drain it; false when that node does not answer (gone) or, here, the worker is not connected.</summary>
    public async Task<bool> RequestAsync(string nodeId, string workerId, CancellationToken cancellationToken)
    {
        if (nodeId == _nodeId) return DrainHere(workerId);
        var listeners = await _redis.PublishAsync(Channel(nodeId), workerId).WaitAsync(cancellationToken);
        return listeners > 0;
    }

    /// <summary>Keeps the subscription until the node stops.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await _subscriber.DisposeAsync();
        }
    }

    private bool DrainHere(string workerId)
    {
        var deadline = Timestamp.FromDateTimeOffset(_dispatcher.Time.GetUtcNow() + _drainTimeout);
        var drained = false;
        foreach (var session in _dispatcher.Sessions.Where(s => s.WorkerId == workerId))
        {
            session.Drain(new Drain { Reason = Reason, Deadline = deadline });
            drained = true;
        }
        if (drained) AdminLog.WorkerDrained(_logger, workerId);
        return drained;
    }

    private string Channel(string nodeId) => $"{_keyPrefix}drain:{nodeId}";
}
