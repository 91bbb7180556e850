using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A connection keeps the plan it made for a prepared statement while jobs was empty, and on an empty table a
/// sequential scan costs nothing: a failure then finds its one job by reading all of them. Analyzing the grown table
/// (<see cref="JobsStatistics"/>) makes every connection plan again.
/// </summary>
public sealed class JobsStatisticsTests
{
    private static readonly LeaseHolder Holder = new("w1", "n1");

    [Fact]
    public async Task A_lookup_planned_while_the_table_was_empty_reads_by_key_once_the_grown_table_is_analyzed()
    {
        // The table fills in one statement, so the connection holding the plan waits a moment only: a backend that
        // falls behind on catalog changes (other tests migrate schemas meanwhile) is reset and drops every cached
        // plan, and CI saw that while the table filled job by job. Should it happen still, the run shows nothing
        // either way and starts over on a new schema.
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await TestDatabase.CreateWithoutAutovacuumAsync();
            await db.ScalarAsync("VACUUM ANALYZE __schema__.jobs");
            Assert.Null(await db.Statistics.AnalyzeIfGrownAsync(CancellationToken.None));

            await using var connection = await db.DataSource.OpenConnectionAsync();
            // PostgreSQL plans a prepared statement's first five runs for their parameters, then settles on a generic plan.
            for (var run = 0; run < 10; run++) await BlocksTouchedByFailureLockAsync(connection, db.Schema, -1, found: false);

            // One running job and 19,999 waiting copies of it. The plan made for the empty table is a sequential scan
            // of all of them, about 700 blocks; by the key, 15.
            var running = Assert.Single(await db.RunManyAsync(1, Holder));
            await db.ScalarAsync("""
                INSERT INTO __schema__.jobs (lane_id, tenant, type, args, state, max_attempts, weight)
                SELECT lane_id, tenant, type, args, 'waiting', max_attempts, weight FROM __schema__.jobs CROSS JOIN generate_series(2, 20000)
                """);
            var withEmptyTablePlan = await BlocksTouchedByFailureLockAsync(connection, db.Schema, running, found: true);
            if (withEmptyTablePlan < 300 && attempt < 3) continue;
            Assert.InRange(withEmptyTablePlan, 300, long.MaxValue);

            var growth = await db.Statistics.AnalyzeIfGrownAsync(CancellationToken.None);
            Assert.NotNull(growth);
            Assert.Equal(0, growth.Value.MeasuredPages);
            Assert.InRange(await BlocksTouchedByFailureLockAsync(connection, db.Schema, running, found: true), 1, 100);
            Assert.Null(await db.Statistics.AnalyzeIfGrownAsync(CancellationToken.None));
            return;
        }
    }

    [Fact]
    public async Task The_analyze_waits_for_a_later_pass_while_a_vacuum_holds_the_table()
    {
        await using var db = await TestDatabase.CreateWithoutAutovacuumAsync();
        await db.Jobs.EnqueueAsync(Enumerable.Range(0, 10_000).Select(_ => TestDatabase.Job()).ToArray());

        await using (var vacuum = await db.DataSource.OpenConnectionAsync())
        await using (var transaction = await vacuum.BeginTransactionAsync())
        {
            // The lock a VACUUM holds while it runs.
            await using (var hold = new NpgsqlCommand($"LOCK TABLE \"{db.Schema}\".jobs IN SHARE UPDATE EXCLUSIVE MODE", vacuum, transaction))
            {
                await hold.ExecuteNonQueryAsync();
            }
            Assert.Null(await db.Statistics.AnalyzeIfGrownAsync(TestDatabase.Timeout()));
        }
        Assert.NotNull(await db.Statistics.AnalyzeIfGrownAsync(TestDatabase.Timeout()));
    }

    [Theory]
    [InlineData(0, 127, false)]
    [InlineData(0, 128, true)]
    [InlineData(10, 137, false)]
    [InlineData(1_000, 1_999, false)]
    [InlineData(1_000, 2_000, true)]
    [InlineData(2_000, 1_000, false)]
    public void The_table_calls_for_new_statistics_once_it_has_doubled_and_grown_by_a_megabyte(long measured, long now, bool calls) =>
        Assert.Equal(calls, new JobsGrowth(measured, now).CallsForAnalyze);

    /// <summary>
    /// The blocks of the schema's relations that the failure's lock of one running attempt reads, prepared, within a
    /// transaction that is rolled back (the first step of every failure).
    /// </summary>
    private static async Task<long> BlocksTouchedByFailureLockAsync(NpgsqlConnection connection, string schema, long id, bool found)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var before = await SchemaBlocks.FetchedAsync(connection, transaction, schema);
        await using (var command = new NpgsqlCommand(new SchemaSql(schema).Format(JobFailer.LockSql), connection, transaction)
            .With("id", id).With("attempt", 1).WithHolder(Holder))
        {
            await command.PrepareAsync();
            await using var reader = await command.ExecuteReaderAsync();
            Assert.Equal(found, await reader.ReadAsync());
        }
        var touched = await SchemaBlocks.FetchedAsync(connection, transaction, schema) - before;
        await transaction.RollbackAsync();
        return touched;
    }
}
