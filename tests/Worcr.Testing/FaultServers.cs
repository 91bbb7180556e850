using Worcr.LocalServices;
using Worcr.Postgres;
using Xunit;

namespace Worcr.Testing;

/// <summary>
/// A PostgreSQL and a Redis of their own for fault tests, which kill and restart them: starting them costs seconds,
/// so a test class shares one pair (<c>IClassFixture&lt;FaultServers&gt;</c>) and each test takes a fresh schema and
/// key prefix on them. The faults: PostgreSQL stopped in immediate mode or killed, then started again (same data
/// and port); Redis shut down without saving, then started again empty (same port); the LISTEN connections of a
/// schema terminated; and, through <see cref="RedisProxy"/>, one node cut off from Redis.
/// </summary>
public sealed class FaultServers : IAsyncLifetime
{
    private PostgresProcess? _postgres;
    private RedisProcess? _redis;
    private int _schemas;

    public PostgresProcess Postgres => _postgres ?? throw new InvalidOperationException("Not started.");

    public RedisProcess Redis => _redis ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        // The faults crash PostgreSQL: it must keep every commit it acknowledged, as a production server does.
        var postgres = TestServices.StartPrivatePostgresAsync(crashSafe: true);
        var redis = TestServices.StartPrivateRedisAsync();
        _postgres = await postgres;
        _redis = await redis;
    }

    /// <summary>A new migrated schema on this PostgreSQL.</summary>
    public async Task<string> NewSchemaAsync()
    {
        var name = $"fault_{Interlocked.Increment(ref _schemas)}_{Guid.NewGuid():N}"[..30];
        await using var database = WorcrDatabase.Create(Postgres.ConnectionString, name);
        await database.MigrateAsync();
        return name;
    }

    /// <summary>A relay to this Redis that a test can cut (one node's connection, while the others keep theirs).</summary>
    public TcpProxy RedisProxy() => new(Redis.Port);

    /// <summary>Terminates the LISTEN connections of the schema's nodes (<see cref="PostgresProcess.TerminateListenersAsync"/>).</summary>
    public Task<int> TerminateListenersAsync(string schema) => Postgres.TerminateListenersAsync(schema);

    public async Task DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
