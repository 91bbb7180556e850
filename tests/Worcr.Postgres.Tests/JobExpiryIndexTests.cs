using Npgsql;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>
/// jobs_expiry holds only jobs that can expire (migration 018): a job without expires_at costs no index entry when it
/// is enqueued or goes back to waiting, and the expirer still finds expired jobs through the index.
/// </summary>
public sealed class JobExpiryIndexTests
{
    private const long OnePage = 8192;

    [Fact]
    public async Task Jobs_that_never_expire_leave_the_expiry_index_empty()
    {
        await using var db = await CreateWithoutAutovacuumAsync();
        await db.Jobs.EnqueueAsync(Enumerable.Range(0, 500).Select(_ => Job()).ToArray());
        await db.Jobs.EnqueueAsync(Enumerable.Range(0, 500).Select(_ => Job(runAt: DateTimeOffset.UtcNow.AddHours(1))).ToArray());

        // An index without a single entry is its metapage alone; one entry adds a leaf page. With every waiting and
        // scheduled job in it, the index had 1,000 entries here.
        Assert.Equal(OnePage, await IndexSizeAsync(db));

        await db.EnqueueOneAsync(Job(expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        Assert.True(await IndexSizeAsync(db) > OnePage);
    }

    [Fact]
    public async Task The_expirer_reads_expired_jobs_through_the_expiry_index()
    {
        await using var db = await CreateWithoutAutovacuumAsync();
        await db.EnqueueOneAsync(Job(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));

        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // With sequential scans off, the planner takes jobs_expiry only if the expirer's condition proves the index's
        // predicate (expires_at <= now() implies expires_at IS NOT NULL); with a predicate it cannot prove (checked:
        // expires_at > '2000-01-01') the plan is a sequential scan, off or not.
        await using (var noSeqScan = new NpgsqlCommand("SET LOCAL enable_seqscan = off", connection, transaction))
        {
            await noSeqScan.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN " + new SchemaSql(db.Schema).Format(JobExpirer.ExpireSql), connection, transaction)
            .With("limit", 100);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        }

        Assert.Contains(plan, line => line.Contains("jobs_expiry", StringComparison.Ordinal));
        Assert.Equal(1, await db.Jobs.ExpireAsync(100));
    }

    private static async Task<long> IndexSizeAsync(WorcrDatabase db) =>
        (long)(await db.ScalarAsync("SELECT pg_relation_size('__schema__.jobs_expiry')"))!;
}
