using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Worcr.Postgres;
using Worcr.Redis;

namespace Worcr.Server.Hosting;

/// <summary>
/// The node's connections to its stores, made ready by the first start step (<see cref="NodeStartup"/>), inside the
/// host's start: Redis opens while the PostgreSQL schema is migrated and then the dedicated LISTEN connection opens. A failure
/// fails the node's start with its own error, before anything serves. The components are built before that with the
/// unopened Redis connection: they only keep it (or subscribe to its events) until they first use it.
/// </summary>
internal sealed class NodeConnections(WorcrDatabase database, RedisConnection redis) : IAsyncDisposable
{
    private PostgresListener? _listener;

    public WorcrDatabase Database => database;

    public RedisConnection Redis => redis;

    /// <summary>The notification listener; it exists once <see cref="ConnectAsync"/> has run.</summary>
    public PostgresListener Listener =>
        _listener ?? throw new InvalidOperationException("The notification listener starts in the node's first start step; nothing may read it before.");

    /// <summary>
    /// Redis and PostgreSQL connect at once: each costs the start a first connection's CPU and round trips, and on
    /// more than one core they overlap (bench/RESULTS.md, start to serving). Both end before a failure is thrown, so
    /// whatever one of them opened is there to be disposed.
    /// </summary>
    /// <param name="logger">Where a migration that gave way to a long transaction is reported.</param>
    public async Task ConnectAsync(ILogger logger, CancellationToken cancellationToken)
    {
        // A migration may wait for a long transaction as long as it lasts; a Redis that cannot be reached ends that
        // wait, so the start fails with Redis's error at once.
        using var postgresStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var redisOpen = Task.Run(async () =>
        {
            try
            {
                await OpenRedisAsync(cancellationToken);
            }
            catch
            {
                await postgresStop.CancelAsync();
                throw;
            }
        }, cancellationToken);
        var postgresReady = Task.Run(() => OpenPostgresAsync(logger, postgresStop.Token), postgresStop.Token);
        await Task.WhenAll(redisOpen, postgresReady).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // When both failed, Redis's error is the one reported (as when Redis was the first step); then PostgreSQL's.
        await redisOpen;
        await postgresReady;
    }

    private async Task OpenPostgresAsync(ILogger logger, CancellationToken cancellationToken)
    {
        await database.MigrateAsync(wait => ServerLog.MigrationGaveWay(logger, database.Schema, wait.Version, wait.LockTimeout.TotalSeconds, wait.Attempt,
            wait.RetryIn.TotalSeconds, wait.Error), cancellationToken);
        _listener = await PostgresListener.StartAsync(database.DataSource,
            [database.JobsChannel, database.CancelChannel, database.RulesChannel, database.LimitsChannel, database.TenantsChannel], cancellationToken);
    }

    private async Task OpenRedisAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.OpenAsync(cancellationToken);
        }
        catch (RedisConnectionException e)
        {
            throw new RedisConnectionException(e.FailureType, CommandFlags.None,
                $"The node cannot start without Redis. {e.Message} Check the RedisUrl setting (--redis, WORCR_REDIS, or Worcr:RedisUrl in appsettings.json).", e, e.CommandStatus);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync();
    }
}
