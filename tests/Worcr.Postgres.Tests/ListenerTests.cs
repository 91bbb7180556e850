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
