using System.Text.Json;
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

        // A scan and sort of the 30,000 rows touched 828 blocks here. A claim of 10 in index order touches about 170:
        // the catalogs on the connection's first use, a few index pages, its 10 rows and the index entries it writes.
        Assert.InRange(await BlocksTouchedByClaimAsync(db, lane, 10), 1, 400);
    }

    /// <summary>
    /// The shared buffers one claim touches, from EXPLAIN ANALYZE of the node's own statement, rolled back. PostgreSQL
    /// 15 cannot be handed stale statistics, so the session turns plain index scans off instead: the planner then
    /// prefers scanning the lane and sorting it, as it did with statistics from before the lane filled.
    /// </summary>
    private static async Task<long> BlocksTouchedByClaimAsync(WorcrDatabase db, long lane, int limit)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var preferSort = new NpgsqlCommand("SET LOCAL enable_indexscan = off", connection, transaction))
        {
            await preferSort.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + new SchemaSql(db.Schema).Format(JobClaimer.ClaimSql),
            connection, transaction);
        explain.Parameters.AddWithValue("lane_id", lane);
        explain.Parameters.AddWithValue("limit", limit);
        explain.Parameters.AddWithValue("worker_id", "w1");
        explain.Parameters.AddWithValue("node_id", "n1");
        explain.Parameters.AddWithValue("lease", TimeSpan.FromMinutes(1));
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        await transaction.RollbackAsync();
        var top = plan.RootElement[0].GetProperty("Plan");
        return top.GetProperty("Shared Hit Blocks").GetInt64() + top.GetProperty("Shared Read Blocks").GetInt64();
    }
}
