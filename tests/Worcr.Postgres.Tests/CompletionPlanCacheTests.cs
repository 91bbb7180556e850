using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A connection plans the prepared completion once, with the table as it is then (a generic plan), and keeps that
/// plan while the table grows. Planned on an empty table, the plain DELETE scanned all of jobs and hash-joined the
/// batch to it, for every completion from then on (225 pages a call in the fairness bench). delete_running_attempts
/// (migration 015) leaves the primary key as its only way in.
/// </summary>
public sealed class CompletionPlanCacheTests
{
    private const int Running = 20_000;
    private static readonly LeaseHolder Holder = new("w1", "n1");

    [Fact]
    public async Task A_completion_planned_while_the_table_was_empty_reads_by_key_once_it_has_filled()
    {
        await using var db = await TestDatabase.CreateWithoutAutovacuumAsync();
        await db.ScalarAsync("VACUUM ANALYZE __schema__.jobs");

        await using var connection = await db.DataSource.OpenConnectionAsync();
        // PostgreSQL plans a prepared statement's first five runs for their parameters, then settles on a generic plan.
        for (var run = 0; run < 10; run++)
        {
            Assert.False(Assert.Single(await CompleteAsync(connection, null, db.Schema, [-1])));
        }

        var ids = await db.RunManyAsync(Running, Holder);

        await using var transaction = await connection.BeginTransactionAsync();
        var before = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema);
        Assert.All(await CompleteAsync(connection, transaction, db.Schema, ids[..10]), Assert.True);
        var touched = await SchemaBlocks.FetchedAsync(connection, transaction, db.Schema) - before;
        await transaction.RollbackAsync();

        // The scan of the whole table touched about 795 blocks here; by the primary key 10 completions touch about 100.
        Assert.InRange(touched, 1, 250);
    }

    private static async Task<bool[]> CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, long[] ids)
    {
        await using var command = RunningJobLookupPlanTests.BindCompletions(
            new NpgsqlCommand(new SchemaSql(schema).Format(JobCompleter.CompleteSql), connection, transaction), ids, Holder);
        await command.PrepareAsync();
        await using var reader = await command.ExecuteReaderAsync();
        var accepted = new List<bool>();
        while (await reader.ReadAsync()) accepted.Add(reader.GetBoolean(0));
        return [.. accepted];
    }
}
