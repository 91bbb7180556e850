using Npgsql;
using Worcr.Testing;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A migration that alters <c>jobs</c> waits for every open transaction that touched the table, and every later
/// statement on it queues behind that wait: one long transaction reading <c>jobs</c> (a report left open) would stop
/// job traffic until Npgsql's command timeout (30 s) failed the migration, and again at each start. The migration
/// gives way instead, and applies once the table is free.
/// </summary>
public sealed class MigrationLockTests
{
    // 021 adds jobs.claim_token; 020 before it alters only the cron table.
    private const int AltersJobs = 21;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_migration_waiting_behind_a_long_transaction_gives_way_to_job_traffic_and_applies_once_the_table_is_free()
    {
        await using var db = await SchemaAtAsync(AltersJobs - 2);
        await using var report = await OpenReportAsync(db);
        var gaveWay = new GaveWayLog();
        using var testEnd = new CancellationTokenSource();

        var migrating = Migrator(db).MigrateAsync(testEnd.Token, gaveWay: gaveWay.Add);
        await WaitUntilAMigrationWaitsForItsLockAsync(db);
        // Without the lock timeout this waits behind the migration until the command timeout fails it (30 s).
        var enqueued = await db.EnqueueOneAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(migrating.IsCompleted, "the migration finished while the report still held its lock");
        await gaveWay.First.WaitAsync(TimeSpan.FromSeconds(30));
        // The migration before it is committed on its own: giving way repeats only the one that needs the lock.
        Assert.Equal(1L, await db.ScalarAsync($"SELECT count(*) FROM __schema__.schema_migrations WHERE version = {AltersJobs - 1}"));
        await report.EndAsync();

        Assert.Equal([AltersJobs - 1, AltersJobs], await migrating.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(enqueued > 0);
        var first = gaveWay.All[0];
        Assert.Equal((AltersJobs, 1, LockTimeout, TimeSpan.FromSeconds(1)), (first.Version, first.Attempt, first.LockTimeout, first.RetryIn));
        Assert.Contains("lock timeout", first.Error, StringComparison.Ordinal);
        await testEnd.CancelAsync();
    }

    [Fact]
    public async Task Nodes_starting_together_behind_a_long_transaction_pause_the_traffic_by_one_nodes_attempts_only()
    {
        await using var db = await SchemaAtAsync(AltersJobs - 1);
        await using var report = await OpenReportAsync(db);
        var (firstLog, secondLog) = (new GaveWayLog(), new GaveWayLog());
        using var testEnd = new CancellationTokenSource();

        var first = Migrator(db).MigrateAsync(testEnd.Token, gaveWay: firstLog.Add);
        var second = Migrator(db).MigrateAsync(testEnd.Token, gaveWay: secondLog.Add);
        // Between one node's first and second attempt (1 s apart) the other would have made its own.
        await Task.WhenAny(firstLog.Second, secondLog.Second).WaitAsync(TimeSpan.FromSeconds(30));
        await report.EndAsync();
        var applied = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal([[], [AltersJobs]], applied.OrderBy(versions => versions.Count));
        var gaveWay = (firstLog.All.Count, secondLog.All.Count);
        Assert.True(Math.Min(gaveWay.Item1, gaveWay.Item2) == 0 && Math.Max(gaveWay.Item1, gaveWay.Item2) >= 2, $"the nodes gave way {gaveWay} times");
        await testEnd.CancelAsync();
    }

    private static Migrator Migrator(WorcrDatabase db) => new(db.DataSource, new SchemaSql(db.Schema)) { LockTimeout = LockTimeout };

    private static async Task<WorcrDatabase> SchemaAtAsync(int version)
    {
        var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await db.MigrateToAsync(version);
        return db;
    }

    /// <summary>A report left open: its transaction holds its lock on jobs until it ends.</summary>
    private static async Task<OpenReport> OpenReportAsync(WorcrDatabase db)
    {
        var connection = await db.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand($"SELECT count(*) FROM {db.Schema}.jobs", connection)) await read.ExecuteScalarAsync();
        return new OpenReport(connection, transaction);
    }

    // Nothing announces that a session started waiting for a lock; pg_locks shows it.
    private static async Task WaitUntilAMigrationWaitsForItsLockAsync(WorcrDatabase db)
    {
        var waiting = $"SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '{db.Schema}.jobs'::regclass";
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await db.ScalarAsync(waiting))! == 0)
        {
            if (DateTime.UtcNow > giveUp) Assert.Fail("no migration waited for its lock on jobs within 30 s");
            await Task.Delay(10);
        }
    }

    private sealed class OpenReport(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task EndAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private sealed class GaveWayLog
    {
        private readonly List<MigrationGaveWay> _all = [];
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task First => _first.Task;

        public Task Second => _second.Task;

        public IReadOnlyList<MigrationGaveWay> All
        {
            get { lock (_all) return [.. _all]; }
        }

        public void Add(MigrationGaveWay wait)
        {
            int count;
            lock (_all)
            {
                _all.Add(wait);
                count = _all.Count;
            }
            _first.TrySetResult();
            if (count >= 2) _second.TrySetResult();
        }
    }
}
