using Npgsql;
using Worcr.Testing;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A migration that alters <c>jobs</c> waits for every transaction that touched the table, and every later statement
/// on it queues behind that wait: one long transaction reading <c>jobs</c> would stop all job traffic for as long as
/// it stays open. The migration gives way instead, and applies once the table is free.
/// </summary>
public sealed class MigrationLockTests
{
    // The last migration that alters jobs (021 adds jobs.claim_token); the schema is left one short of it.
    private const int AltersJobs = 21;

    [Fact]
    public async Task A_migration_waiting_behind_a_long_transaction_gives_way_to_job_traffic_and_applies_once_the_table_is_free()
    {
        await using var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await db.MigrateToAsync(AltersJobs - 1);
        // A report left open: its transaction holds its lock on jobs until it ends.
        await using var report = await db.DataSource.OpenConnectionAsync();
        await using var reportTransaction = await report.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand($"SELECT count(*) FROM {db.Schema}.jobs", report)) await read.ExecuteScalarAsync();
        var gaveWay = new List<MigrationGaveWay>();
        var firstGaveWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var migrator = new Migrator(db.DataSource, new SchemaSql(db.Schema)) { LockTimeout = TimeSpan.FromMilliseconds(200) };

        var migrating = migrator.MigrateAsync(CancellationToken.None, gaveWay: wait =>
        {
            lock (gaveWay) gaveWay.Add(wait);
            firstGaveWay.TrySetResult();
        });
        await WaitUntilMigrationWaitsForItsLockAsync(db);
        // Enqueued while the migration waits or gives way: without the lock timeout it would queue behind the
        // migration's wait until the report ends, which it never does in this test.
        var enqueued = await db.EnqueueOneAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await firstGaveWay.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(migrating.IsCompleted, "the migration finished while the report still held its lock");
        await reportTransaction.CommitAsync();
        Assert.Equal([AltersJobs], await migrating.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(enqueued > 0);
        Assert.Equal(1L, await db.ScalarAsync($"SELECT count(*) FROM __schema__.schema_migrations WHERE version = {AltersJobs}"));
        MigrationGaveWay first;
        lock (gaveWay) first = gaveWay[0];
        Assert.Equal((1, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)), (first.Attempt, first.LockTimeout, first.RetryIn));
        Assert.Contains("lock timeout", first.Error, StringComparison.Ordinal);
    }

    // Nothing announces that a session started waiting for a lock; pg_locks shows it.
    private static async Task WaitUntilMigrationWaitsForItsLockAsync(WorcrDatabase db)
    {
        var waiting = $"SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '{db.Schema}.jobs'::regclass";
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((long)(await db.ScalarAsync(waiting))! == 0) await Task.Delay(10, patience.Token);
    }
}
