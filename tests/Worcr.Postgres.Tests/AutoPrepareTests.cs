using Worcr.Testing;

namespace Worcr.Postgres.Tests;

/// <summary>The node's statements are prepared on their connection once they repeat (ConnectionDefaults).</summary>
public sealed class AutoPrepareTests
{
    [Fact]
    public async Task A_statement_repeated_on_a_connection_is_prepared_there()
    {
        await using var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await using var connection = await db.DataSource.OpenConnectionAsync();
        for (var i = 0; i < 6; i++)
        {
            await using var repeated = new Npgsql.NpgsqlCommand("SELECT 40 + @n", connection);
            repeated.Parameters.AddWithValue("n", i);
            await repeated.ExecuteScalarAsync();
        }
        await using var prepared = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT 40 + %'", connection);
        Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }
}
