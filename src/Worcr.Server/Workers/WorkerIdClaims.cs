using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Redis;
using Worcr.Server.Hosting;

namespace Worcr.Server.Workers;

/// <summary>
/// Keeps a worker id unique across the cluster while it is connected: a stream claims its id (a Redis key holding
/// "node stream", with a ttl its heartbeats renew) before its Welcome, and gives it up only after its own jobs were
/// released. A second Hello with a live id, on this node or another, is refused with FAILED_PRECONDITION; the first
/// stream is untouched. The key expires when a node dies, so a crashed node's ids come free within the ttl.
/// When Redis cannot be asked, only this node's streams are checked (logged), so Redis trouble never locks workers out.
/// </summary>
internal sealed class WorkerIdClaims
{
    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly ConcurrentDictionary<string, WorkerSession> _local = new(StringComparer.Ordinal);
    private readonly RedisConnection _redis;
    private readonly string _keyPrefix;
    private readonly string _nodeId;
    private readonly TimeSpan _ttl;
    private readonly ILogger _logger;

    public WorkerIdClaims(RedisConnection redis, IOptions<StorageOptions> storage, IOptions<NodeIdentityOptions> identity, IOptions<LeaseOptions> leases,
        ILogger<WorkerIdClaims> logger)
    {
        _redis = redis;
        _keyPrefix = storage.Value.RedisKeyPrefix;
        _nodeId = identity.Value.NodeId;
        _ttl = leases.Value.HeartbeatInterval * 3;
        _logger = logger;
    }

    /// <summary>Claims the session's worker id, or throws FAILED_PRECONDITION when another stream holds it.</summary>
    public async Task ClaimAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        if (!_local.TryAdd(session.WorkerId, session)) throw Taken(session, _nodeId);
        try
        {
            bool claimed;
            try
            {
                claimed = await _redis.Database.StringSetAsync(Key(session.WorkerId), Value(session), _ttl, When.NotExists).WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                WorkersLog.WorkerIdCheckedLocally(_logger, exception, session.WorkerId);
                return;
            }
            if (!claimed)
            {
                var holder = (string?)await _redis.Database.StringGetAsync(Key(session.WorkerId)).WaitAsync(cancellationToken);
                throw Taken(session, holder?.Split(' ')[0] ?? "another node");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream ended (or the node stops) while Redis may already have set the key: give it back, or the id
            // would stay taken for the key's ttl and the worker's reconnect be refused meanwhile. Best effort: the
            // caller hears of the cancellation, whatever the release meets (the node's Redis may be closing).
            try
            {
                await ReleaseAsync(session);
            }
            catch (Exception exception) when (exception is ObjectDisposedException or OperationCanceledException)
            {
                _local.TryRemove(new KeyValuePair<string, WorkerSession>(session.WorkerId, session));
            }
            throw;
        }
        catch
        {
            _local.TryRemove(new KeyValuePair<string, WorkerSession>(session.WorkerId, session));
            throw;
        }
    }

    /// <summary>
    /// Extends the claim (a heartbeat); false when another stream claimed the id meanwhile (after this one's claim had
    /// lapsed). A Redis failure keeps the claim as it is and is logged: the next heartbeat tries again.
    /// </summary>
    public async Task<bool> RenewAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        try
        {
            var renewed = await _redis.EvalAsync(RenewScript, [Key(session.WorkerId)], [Value(session), (long)_ttl.TotalMilliseconds], cancellationToken);
            return (long)renewed == 1;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            WorkersLog.WorkerIdRenewFailed(_logger, exception, session.WorkerId);
            return true;
        }
    }

    /// <summary>The stream is over and its jobs are released: the id is free again (if this stream still held it).</summary>
    public async Task ReleaseAsync(WorkerSession session)
    {
        try
        {
            await _redis.EvalAsync(ReleaseScript, [Key(session.WorkerId)], [Value(session)]);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The key lapses by its ttl.
            WorkersLog.WorkerIdRenewFailed(_logger, exception, session.WorkerId);
        }
        finally
        {
            _local.TryRemove(new KeyValuePair<string, WorkerSession>(session.WorkerId, session));
        }
    }

    private WorcrError Taken(WorkerSession session, string where)
    {
        WorkersLog.DuplicateWorkerRefused(_logger, session.WorkerId, where);
        return WorcrError.Conflict(
            $"Hello.worker_id: {TextCheck.QuoteName(session.WorkerId, ReportLimits.MaxNameLength)} is already connected (to node {where}); each worker needs an id of its own. " +
            "A worker reconnecting after a lost stream is let in once the node has released the old stream.");
    }

    private string Value(WorkerSession session) => $"{_nodeId} {session.StreamId}";

    private string Key(string workerId) => $"{_keyPrefix}worker-id:{{{workerId}}}";
}
