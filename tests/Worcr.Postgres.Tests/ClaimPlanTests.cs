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
    /// The blocks of the schema's tables and indexes that one claim reads (hits included), within a transaction that is
    /// rolled back (EXPLAIN's count, catalog reads included, was 579 once for a cold connection in a full run, 174 alone). PostgreSQL 15 cannot be
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
        var before = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema);
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
        var touched = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema) - before;
        await transaction.RollbackAsync();
        return touched;
    }
}
