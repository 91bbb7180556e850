using Worcr.Postgres;

namespace Worcr.Server.Hosting;

/// <summary>
/// The node's PostgreSQL side, made ready by the first start step (<see cref="NodeStartup"/>), inside the host's
/// start: the schema is migrated, then the dedicated LISTEN connection opens. A failure fails the node's start with
/// its own error, before anything serves. Redis is still connected before the container is built, because the
/// admin API resolves its session store (which holds the Redis connection) while its endpoints are mapped.
/// </summary>
internal sealed class NodeConnections(WorcrDatabase database) : IAsyncDisposable
{
    private PostgresListener? _listener;

    public WorcrDatabase Database => database;

    /// <summary>The notification listener; it exists once <see cref="ConnectAsync"/> has run.</summary>
    public PostgresListener Listener =>
        _listener ?? throw new InvalidOperationException("The notification listener starts in the node's first start step; nothing may read it before.");

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(cancellationToken);
        _listener = await PostgresListener.StartAsync(database.DataSource,
            [database.JobsChannel, database.CancelChannel, database.RulesChannel, database.LimitsChannel, database.TenantsChannel], cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync();
    }
}
