using Npgsql;
using Worcr.Testing;

namespace Worcr.Postgres.Tests;

public sealed class ListenerTests
{
    [Fact]
    public async Task Notifications_arrive_again_after_the_server_restarts()
    {
        await using var postgres = await TestServices.StartPrivatePostgresAsync();
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var listener = await PostgresListener.StartAsync(dataSource, ["events"]);
        await NotifyAsync(postgres.ConnectionString, "before");
        Assert.Equal(new Notification("events", "before"), await listener.Notifications.ReadAsync(TestDatabase.Timeout()));

        await postgres.RestartAsync();
        var reconnected = await listener.Notifications.ReadAsync(TestDatabase.Timeout(60));
        Assert.True(reconnected.IsReconnected);

        await NotifyAsync(postgres.ConnectionString, "after");
        Assert.Equal(new Notification("events", "after"), await listener.Notifications.ReadAsync(TestDatabase.Timeout()));
    }

    [Fact]
    public async Task A_stopped_listener_s_connection_goes_back_to_the_pool_listening_to_nothing()
    {
        // The node's settings (no reset on the way back to the pool) and a pool of one, so the connection handed out
        // after the listener stops is the listener's own (same backend), unless it was thrown away.
        var name = "listener-" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = await TestServices.PostgresAsync();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionDefaults.Apply($"{connectionString};Maximum Pool Size=1;Application Name={name}"));
        int listenerBackend;
        await using (await PostgresListener.StartAsync(dataSource, ["events", "other"]))
        {
            await using var observer = new NpgsqlConnection(connectionString + ";Pooling=false");
            await observer.OpenAsync();
            await using var find = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = @name", observer);
            find.Parameters.AddWithValue("name", name);
            listenerBackend = (int)(await find.ExecuteScalarAsync())!;
        }

        await using var next = await dataSource.OpenConnectionAsync();
        await using var check = new NpgsqlCommand("SELECT pg_backend_pid(), (SELECT count(*) FROM pg_listening_channels())", next);
        await using var reader = await check.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((listenerBackend, 0L), (reader.GetInt32(0), reader.GetInt64(1)));
    }

    [Fact]
    public async Task Unsafe_channel_names_are_rejected()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestServices.PostgresAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => PostgresListener.StartAsync(dataSource, ["a\"; DROP TABLE x; --"]));
    }

    private static async Task NotifyAsync(string connectionString, string payload)
    {
        // A fresh unpooled connection: pooled ones from before the restart are dead.
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"NOTIFY events, '{payload}'", connection);
        await command.ExecuteNonQueryAsync();
    }
}
