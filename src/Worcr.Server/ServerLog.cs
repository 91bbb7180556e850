using Microsoft.Extensions.Logging;

namespace Worcr.Server;

/// <summary>The node's log messages, source-generated, with stable event ids (1xxx dispatch, 2xxx workers, 3xxx maintenance).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1001, LogLevel.Warning, "A dispatch round failed; the node reconciles and goes on.")]
    public static partial void DispatchRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(1002, LogLevel.Information, "Node {NodeId} listening: gRPC {GrpcAddress}, HTTP {HttpAddress}.")]
    public static partial void NodeStarted(ILogger logger, string nodeId, string grpcAddress, string httpAddress);

    [LoggerMessage(1004, LogLevel.Error, "Background loop(s) {Loops} did not stop within {Seconds} s of the node stopping; the node stops without them.")]
    public static partial void LoopsDidNotStop(ILogger logger, string loops, double seconds);

    [LoggerMessage(1005, LogLevel.Error, "Background loop {Loop} failed and ended; the node goes on without it.")]
    public static partial void LoopFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning,
        "The node stops with {Streams} worker stream(s) still open or still storing what their workers sent (PostgreSQL or Redis slow to answer); it waits for them up to {Seconds} s before it stops its loops.")]
    public static partial void StreamsStillStoring(ILogger logger, int streams, double seconds);

    [LoggerMessage(1007, LogLevel.Warning,
        "Migration {Version} of schema {Schema} waited up to {Seconds} s for a lock another session holds (a long transaction; see pg_stat_activity) and gave way so job traffic goes on; attempt {Attempt}, trying again in {RetryIn} s. PostgreSQL: {Error}")]
    public static partial void MigrationGaveWay(ILogger logger, string schema, int version, double seconds, int attempt, double retryIn, string error);

    [LoggerMessage(1003, LogLevel.Warning, "The jobs listener failed; it restarts.")]
    public static partial void ListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(2001, LogLevel.Information, "Worker {WorkerId} connected (types {JobTypes}, tags {Tags}, capacity {Capacity}).")]
    public static partial void WorkerConnected(ILogger logger, string workerId, string jobTypes, string tags, int capacity);

    [LoggerMessage(2002, LogLevel.Information, "Worker {WorkerId} disconnected; {Released} running job(s) released.")]
    public static partial void WorkerDisconnected(ILogger logger, string workerId, int released);

    [LoggerMessage(2003, LogLevel.Warning, "Worker {WorkerId} sent a message the node could not apply: {Reason}")]
    public static partial void WorkerMessageRejected(ILogger logger, string workerId, string reason);

    [LoggerMessage(2005, LogLevel.Warning, "Renewing the leases of worker {WorkerId} failed; the next heartbeat tries again.")]
    public static partial void HeartbeatFailed(ILogger logger, string workerId, Exception exception);

    [LoggerMessage(2004, LogLevel.Warning, "Writing to worker {WorkerId} failed; its stream ends.")]
    public static partial void WorkerWriteFailed(ILogger logger, string workerId, Exception exception);

    [LoggerMessage(3001, LogLevel.Warning, "A maintenance pass failed; it runs again at the next interval.")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(3002, LogLevel.Information, "This node is now the maintenance leader (fencing token {Token}).")]
    public static partial void BecameLeader(ILogger logger, long token);

    [LoggerMessage(4001, LogLevel.Information, "Rules version {Version} is live ({Count} rule(s)).")]
    public static partial void RulesLoaded(ILogger logger, string version, int count);

    [LoggerMessage(4002, LogLevel.Warning, "Rule '{Name}' is not loaded: {Error}")]
    public static partial void RuleNotLoaded(ILogger logger, string name, string error);

    [LoggerMessage(4003, LogLevel.Warning, "A rule failed and its documented default was used: {Error}")]
    public static partial void RuleFailed(ILogger logger, string error);

    [LoggerMessage(4004, LogLevel.Warning, "Reloading rules failed; the previous version stays live.")]
    public static partial void RulesReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(4005, LogLevel.Warning, "Weight rule '{Name}' is skipped (factor 1) until {Until:O}: {Reason}. Then one trial call runs it.")]
    public static partial void RuleBreakerOpened(ILogger logger, string name, DateTimeOffset until, string reason);

    [LoggerMessage(4101, LogLevel.Warning, "Reloading tenant shares failed; the previous shares stay in force.")]
    public static partial void TenantsReloadFailed(ILogger logger, Exception exception);
}
