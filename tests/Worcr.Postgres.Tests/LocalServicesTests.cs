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

    private static async Task<object?> Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
