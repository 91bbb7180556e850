using Npgsql;
using Worcr.Testing;

namespace Worcr.Postgres.Tests;

public sealed class LocalServicesTests
{
    [Fact]
    public async Task Shared_postgres_accepts_queries_in_a_fresh_schema()
    {
        var schema = await TestServices.CreateSchemaAsync();
        await using var connection = new NpgsqlConnection(await TestServices.PostgresAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE TABLE \"{schema}\".probe (x int); SELECT count(*) FROM \"{schema}\".probe", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Private_postgres_keeps_committed_data_across_a_restart()
    {
        await using var postgres = await TestServices.StartPrivatePostgresAsync();
        await Execute(postgres.ConnectionString, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
        await postgres.RestartAsync();
        NpgsqlConnection.ClearAllPools(); // pooled connections died with the old server process
        Assert.Equal(42, await Execute(postgres.ConnectionString, "SELECT x FROM kept"));
    }

    [Fact]
    public async Task A_crash_safe_private_postgres_keeps_every_acknowledged_commit_through_an_immediate_stop()
    {
        // Fault tests crash PostgreSQL right after enqueueing: with asynchronous commits the enqueue itself vanished
        // in the crash, and the test blamed the dispatcher for jobs that no longer existed.
        await using var postgres = await TestServices.StartPrivatePostgresAsync(crashSafe: true);
        await Execute(postgres.ConnectionString, "CREATE TABLE kept (x int)");
        const int commits = 50;
        for (var i = 0; i < commits; i++) await Execute(postgres.ConnectionString, $"INSERT INTO kept VALUES ({i})");

        await postgres.StopImmediatelyAsync();
        await postgres.StartAgainAsync();
        NpgsqlConnection.ClearAllPools();

        Assert.Equal((long)commits, await Execute(postgres.ConnectionString, "SELECT count(*) FROM kept"));
    }

    private static async Task<object?> Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
