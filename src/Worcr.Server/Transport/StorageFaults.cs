using Npgsql;
using StackExchange.Redis;

namespace Worcr.Server.Transport;

/// <summary>
/// Errors that say PostgreSQL or Redis could not be reached or went away during a call (a restart, a failover, a
/// lost connection, a timeout), as opposed to errors of the call itself. A client should retry these later, so they
/// are answered UNAVAILABLE, the status gRPC clients retry, rather than UNKNOWN.
/// </summary>
internal static class StorageFaults
{
    public const string Message =
        "The node could not reach PostgreSQL or Redis to finish this call (restarting or unreachable); retry it. " +
        "If it was an enqueue, it may have been stored before the connection broke: a unique key makes the retry safe.";

    public static bool IsUnreachable(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        RedisConnectionException or RedisTimeoutException => true,
        _ => false,
    };
}
