using Npgsql;

namespace Worcr.Postgres.Tests;

/// <summary>What a statement reads, for the tests that pin a plan's cost rather than its shape.</summary>
internal static class SchemaBlocks
{
    /// <summary>
    /// The backend's block fetches (hits included) of the schema's tables and indexes since it last reported its
    /// statistics, which it does only outside a transaction: a difference taken within one counts what happened in
    /// between. Catalog reads are left out: they grow with the test database.
    /// </summary>
    public static async Task<long> FetchedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema)
    {
        await using var blocks = new NpgsqlCommand(
            "SELECT coalesce(sum(pg_stat_get_xact_blocks_fetched(c.oid)), 0)::bigint FROM pg_class c WHERE c.relnamespace = @schema::regnamespace",
            connection, transaction);
        blocks.Parameters.AddWithValue("schema", schema);
        return (long)(await blocks.ExecuteScalarAsync())!;
    }
}
