using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Testing;

namespace Worcr.Server.Tests.Hosting;

/// <summary>
/// Connecting is a start step: a node that cannot reach its stores fails its start with their own error. A node that
/// cannot listen fails with the server's error, after stopping what had started.
/// </summary>
public sealed class NodeStartFailureTests
{
    [Fact]
    public async Task A_node_whose_PostgreSQL_refuses_connections_fails_its_start_with_the_PostgreSQL_error()
    {
        // Port 1: nothing listens there, so the migration (the first start step) is refused at once.
        var unreachable = new NpgsqlConnectionStringBuilder(await TestServices.PostgresAsync()) { Port = 1 }.ConnectionString;
        var options = new NodeOptions
        {
            PostgresUrl = unreachable,
            RedisUrl = await TestServices.RedisAsync(),
            RedisKeyPrefix = TestServices.NewKeyPrefix(),
            Schema = "never_migrated",
            GrpcPort = 0,
            HttpPort = 0,
            AllowUnauthenticated = true,
        };

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => DispatcherNode.StartAsync(options, [], logging => logging.SetMinimumLevel(LogLevel.None)));

        Assert.Contains("127.0.0.1:1", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_whose_Redis_refuses_connections_fails_its_start_naming_the_setting_and_leaves_no_port_open()
    {
        var options = new NodeOptions
        {
            PostgresUrl = await TestServices.PostgresAsync(),
            RedisUrl = "redis://127.0.0.1:1",
            RedisKeyPrefix = TestServices.NewKeyPrefix(),
            Schema = "never_migrated_" + Guid.NewGuid().ToString("N")[..8],
            GrpcPort = FreePort(),
            HttpPort = 0,
            AllowUnauthenticated = true,
        };

        var error = await Assert.ThrowsAnyAsync<RedisConnectionException>(() => DispatcherNode.StartAsync(options, [], logging => logging.SetMinimumLevel(LogLevel.None)));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("RedisUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("WORCR_REDIS", error.Message, StringComparison.Ordinal);
        // Redis is a start step: the node failed before it served, so its gRPC port is free again (or was never taken).
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, options.GrpcPort);
        listener.Start();
    }

    [Fact]
    public async Task A_node_that_reaches_neither_store_fails_its_start_once_both_connects_ended_and_leaves_no_port_open()
    {
        // Redis and PostgreSQL connect at once; the start waits for both, then fails with the first one's error.
        var unreachable = new NpgsqlConnectionStringBuilder(await TestServices.PostgresAsync()) { Port = 1 }.ConnectionString;
        var options = new NodeOptions
        {
            PostgresUrl = unreachable,
            RedisUrl = "redis://127.0.0.1:1",
            RedisKeyPrefix = TestServices.NewKeyPrefix(),
            Schema = "never_migrated",
            GrpcPort = FreePort(),
            HttpPort = 0,
            AllowUnauthenticated = true,
        };

        var error = await Assert.ThrowsAnyAsync<RedisConnectionException>(() => DispatcherNode.StartAsync(options, [], logging => logging.SetMinimumLevel(LogLevel.None)));

        Assert.Contains("RedisUrl", error.Message, StringComparison.Ordinal);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, options.GrpcPort);
        listener.Start();
    }

    [Fact]
    public async Task A_node_whose_Redis_refuses_connections_fails_its_start_while_its_migration_still_waits()
    {
        // Another node migrating this schema holds the migration's advisory lock (Migrator: namespace "Worc", the
        // schema's hash); the commands have no timeout, so without Redis's failure ending it the wait never ends.
        var schema = "waits_to_migrate_" + Guid.NewGuid().ToString("N")[..8];
        var postgres = new NpgsqlConnectionStringBuilder(await TestServices.PostgresAsync()) { CommandTimeout = 0 }.ConnectionString;
        await using var otherNode = new NpgsqlConnection(postgres);
        await otherNode.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({0x576f7263}, hashtext('{schema}'))", otherNode)) await take.ExecuteScalarAsync();
        var options = new NodeOptions
        {
            PostgresUrl = postgres,
            RedisUrl = "redis://127.0.0.1:1",
            RedisKeyPrefix = TestServices.NewKeyPrefix(),
            Schema = schema,
            GrpcPort = 0,
            HttpPort = 0,
            AllowUnauthenticated = true,
        };

        var start = DispatcherNode.StartAsync(options, [], logging => logging.SetMinimumLevel(LogLevel.None));

        // The limit only bounds a test that would otherwise hang.
        var error = await Assert.ThrowsAnyAsync<RedisConnectionException>(() => start.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("RedisUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_whose_gRPC_port_is_taken_fails_its_start_and_stops_its_loops_before_closing_its_connections()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var options = new NodeOptions
        {
            PostgresUrl = await TestServices.PostgresAsync(),
            RedisUrl = await TestServices.RedisAsync(),
            RedisKeyPrefix = TestServices.NewKeyPrefix(),
            Schema = "port_taken_" + Guid.NewGuid().ToString("N")[..8],
            GrpcPort = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port,
            HttpPort = 0,
            AllowUnauthenticated = true,
        };
        // Started with the node's loops (the server listens last), told to stop like them.
        var stoppedWhileDatabaseAnswered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void AddProbe(IServiceCollection services) => services.AddSingleton<IHostedService>(container =>
            new StopProbe(container.GetRequiredService<WorcrDatabase>(), stoppedWhileDatabaseAnswered));

        await Assert.ThrowsAnyAsync<IOException>(() =>
            DispatcherNode.StartAsync(options, [], logging => logging.SetMinimumLevel(LogLevel.None), AddProbe, CancellationToken.None));

        // Before the start's error reached us, the services were stopped while PostgreSQL still answered through
        // the node's pool: a maintainer mid-pass finishes it instead of failing on a disposed data source.
        Assert.True(stoppedWhileDatabaseAnswered.Task.IsCompleted, "the started services were never told to stop");
        Assert.True(await stoppedWhileDatabaseAnswered.Task, "the node's connections were closed before its services stopped");
    }

    private sealed class StopProbe(WorcrDatabase database, TaskCompletionSource<bool> stopped) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            try
            {
                await using var command = database.DataSource.CreateCommand("SELECT 1");
                stopped.TrySetResult(Equals(await command.ExecuteScalarAsync(CancellationToken.None), 1));
            }
            catch (ObjectDisposedException)
            {
                stopped.TrySetResult(false);
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
