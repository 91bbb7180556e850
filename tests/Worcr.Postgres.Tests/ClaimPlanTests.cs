using Npgsql;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A claim reads about as much as it takes, whatever the planner would prefer. Statistics taken before a lane filled
/// once made the planner scan the whole lane and sort it for every claim: 190 ms a claim with 300,000 waiting
/// (migration 014; bench/RESULTS.md, "Session 12"). A plan cached while the table was empty scanned all of it for
/// every claim once it had filled (bench/RESULTS.md, "Session 14").
/// </summary>
public sealed class ClaimPlanTests
{
    private const int Waiting = 30_000;

    [Fact]
    public async Task A_claim_reads_about_as_much_as_it_takes_even_when_the_planner_would_rather_sort_the_lane()
    {
        await using var db = await CreateWithoutAutovacuumAsync();
        var lane = await db.LaneOfAsync(await db.EnqueueOneAsync());
        await FillAsync(db, Waiting - 1);

        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // PostgreSQL 15 cannot be handed stale statistics, so the session turns plain index scans off instead: the
        // planner then prefers scanning the lane and sorting it, as it did with statistics from before the lane filled.
        await using (var preferSort = new NpgsqlCommand("SET LOCAL enable_indexscan = off", connection, transaction))
        {
            await preferSort.ExecuteNonQueryAsync();
        }
        var before = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema);
        Assert.Equal(10, await ClaimAsync(connection, transaction, db.Schema, lane, 10));
        var touched = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema) - before;

        // A scan and sort of the 30,000 rows touched 837 blocks here. A claim of 10 in index order touches about 165:
        // a few index pages, its 10 rows, their key lookups and the index entries it writes.
        Assert.InRange(touched, 1, 400);
    }

    [Fact]
    public async Task A_claim_planned_while_the_table_was_empty_reads_about_as_much_as_it_takes_once_the_lane_has_filled()
    {
        await using var db = await CreateWithoutAutovacuumAsync();
        var lane = await db.LaneOfAsync(await db.EnqueueOneAsync());
        await db.ScalarAsync("DELETE FROM __schema__.jobs");
        await db.ScalarAsync("VACUUM ANALYZE __schema__.jobs");

        await using var connection = await db.DataSource.OpenConnectionAsync();
        // PostgreSQL plans a prepared statement's first five runs for their parameters, then settles on a generic plan.
        for (var run = 0; run < 10; run++)
        {
            Assert.Equal(0, await ClaimAsync(connection, null, db.Schema, lane, 10));
        }

        await FillAsync(db, Waiting);

        await using var transaction = await connection.BeginTransactionAsync();
        var before = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema);
        Assert.Equal(10, await ClaimAsync(connection, transaction, db.Schema, lane, 10));
        var touched = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema) - before;
        await transaction.RollbackAsync();

        // The plan cached on the empty table, a sequential scan of all 30,000 rows, touched 660 blocks here; a claim of
        // 10 by the primary key touches about 160.
        Assert.InRange(touched, 1, 400);
    }

    private static async Task FillAsync(WorcrDatabase db, int count)
    {
        for (var stored = 0; stored < count; stored += 10_000)
        {
            await db.Jobs.EnqueueAsync(Enumerable.Range(0, Math.Min(10_000, count - stored)).Select(_ => Job()).ToArray());
        }
    }

    /// <summary>One claim of up to <paramref name="limit"/> jobs of the lane, prepared: the number of jobs it took.</summary>
    private static async Task<int> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, long lane, int limit)
    {
        await using var claim = new NpgsqlCommand(new SchemaSql(schema).Format(JobClaimer.ClaimSql), connection, transaction)
            .With("lane_id", lane).With("limit", limit).With("worker_id", "w1").With("node_id", "n1").With("lease", TimeSpan.FromMinutes(1)).With("token", Guid.NewGuid());
        await claim.PrepareAsync();
        await using var reader = await claim.ExecuteReaderAsync();
        var claimed = 0;
        while (await reader.ReadAsync()) claimed++;
        return claimed;
    }
}
