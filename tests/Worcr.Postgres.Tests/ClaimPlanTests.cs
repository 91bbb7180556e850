using Npgsql;
using Worcr.Testing;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A claim reads its lane in index order whatever the planner would prefer (migration 014). Statistics taken before a
/// lane filled once made the planner scan the whole lane and sort it for every claim: 190 ms a claim with 300,000
/// waiting (bench/RESULTS.md, "Session 12").
/// </summary>
public sealed class ClaimPlanTests
{
    private const int Waiting = 30_000;

    [Fact]
    public async Task A_claim_reads_about_as_much_as_it_takes_even_when_the_planner_would_rather_sort_the_lane()
    {
        // A schema of its own: a pooled one carries the dead index entries of earlier tests, which any scan walks too.
        await using var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await db.MigrateAsync();
        var lane = await db.LaneOfAsync(await db.EnqueueOneAsync());
        for (var stored = 1; stored < Waiting; stored += 10_000)
        {
            await db.Jobs.EnqueueAsync(Enumerable.Range(0, Math.Min(10_000, Waiting - stored)).Select(_ => Job()).ToArray());
        }

        // A scan and sort of the 30,000 rows touched 837 blocks here. A claim of 10 in index order touches about 165:
        // a few index pages, its 10 rows, their key lookups and the index entries it writes.
        Assert.InRange(await BlocksTouchedByClaimAsync(db, lane, 10), 1, 400);
    }

    /// <summary>
    /// The blocks of the schema's tables and indexes that one claim reads (hits included), as PostgreSQL counts them for
    /// the backend, within a transaction that is rolled back. Catalog reads are left out: they grow with the test
    /// database (EXPLAIN's count for a cold connection was 579 once in a full run, 174 alone). PostgreSQL 15 cannot be
    /// handed stale statistics, so the session turns plain index scans off instead: the planner then prefers scanning
    /// the lane and sorting it, as it did with statistics from before the lane filled.
    /// </summary>
    private static async Task<long> BlocksTouchedByClaimAsync(WorcrDatabase db, long lane, int limit)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var preferSort = new NpgsqlCommand("SET LOCAL enable_indexscan = off", connection, transaction))
        {
            await preferSort.ExecuteNonQueryAsync();
        }
        var before = await BlocksFetchedAsync(connection, transaction, db.Schema);
        await using (var claim = new NpgsqlCommand(new SchemaSql(db.Schema).Format(JobClaimer.ClaimSql), connection, transaction))
        {
            claim.Parameters.AddWithValue("lane_id", lane);
            claim.Parameters.AddWithValue("limit", limit);
            claim.Parameters.AddWithValue("worker_id", "w1");
            claim.Parameters.AddWithValue("node_id", "n1");
            claim.Parameters.AddWithValue("lease", TimeSpan.FromMinutes(1));
            await using var reader = await claim.ExecuteReaderAsync();
            var claimed = 0;
            while (await reader.ReadAsync()) claimed++;
            Assert.Equal(limit, claimed);
        }
        var touched = await BlocksFetchedAsync(connection, transaction, db.Schema) - before;
        await transaction.RollbackAsync();
        return touched;
    }

    /// <summary>
    /// The backend's block fetches of the schema's relations since it last reported its statistics, which it does only
    /// outside a transaction: a difference taken within one counts what happened in between.
    /// </summary>
    private static async Task<long> BlocksFetchedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema)
    {
        await using var blocks = new NpgsqlCommand(
            "SELECT coalesce(sum(pg_stat_get_xact_blocks_fetched(c.oid)), 0)::bigint FROM pg_class c WHERE c.relnamespace = @schema::regnamespace",
            connection, transaction);
        blocks.Parameters.AddWithValue("schema", schema);
        return (long)(await blocks.ExecuteScalarAsync())!;
    }
}
