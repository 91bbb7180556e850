using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Applies pending migrations, each in its own transaction, all under one session-level advisory lock, so several
/// nodes starting at once migrate exactly once: the others wait for the lock, then find nothing left to do.
/// A migration that alters a table waits for every open transaction that has touched it, and while it waits, every
/// later statement on that table waits behind it: one long transaction reading <c>jobs</c> (a report, a forgotten
/// psql session) would stop every enqueue, claim and completion of every running node. So each lock is waited for at
/// most <see cref="LockTimeout"/>; then that migration rolls back, gives way to the traffic, reports it and tries
/// again after a back-off, until it gets its locks or the caller cancels. The advisory lock is kept through the
/// back-off, so only one node's attempts ever pause the traffic, and the migrations already committed stay done.
/// </summary>
internal sealed class Migrator(NpgsqlDataSource dataSource, SchemaSql sql)
{
    // Namespaces the advisory lock key so it cannot collide with locks other software takes.
    private const int LockNamespace = 0x576f7263; // "Worc"

    // Waited for without a limit: the node holding it is migrating.
    private const string PrepareSql = """
        SELECT pg_advisory_lock(@lock_namespace, hashtext(@schema));
        CREATE SCHEMA IF NOT EXISTS __schema__;
        CREATE TABLE IF NOT EXISTS __schema__.schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now());
        """;

    // A session lock outlives the transaction, and the pool does not reset connections (ConnectionDefaults).
    private const string UnlockSql = "SELECT pg_advisory_unlock(@lock_namespace, hashtext(@schema))";

    private const string AppliedSql = "SELECT version FROM __schema__.schema_migrations";

    private const string RecordSql = "INSERT INTO __schema__.schema_migrations (version, name) VALUES (@version, @name)";

    // For the migration's transaction only.
    private const string LockTimeoutSql = "SELECT set_config('lock_timeout', @timeout, true)";

    // 55P03 lock_not_available: the lock timeout ran out. 40P01 deadlock_detected: the migration locks several tables,
    // and a job-path transaction took one of them first; PostgreSQL ends one of the two after deadlock_timeout.
    private static readonly string[] GaveWayStates = ["55P03", "40P01"];

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one lock is waited for before the migration gives way: far longer than any job-path transaction, and
    /// longer than PostgreSQL's default <c>deadlock_timeout</c> (1 s), after which an autovacuum in the way is cancelled
    /// for the migration rather than the migration giving way to it.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <param name="upTo">The last version to apply (tests of a migration's upgrade path); all when null.</param>
    /// <param name="gaveWay">Told each time a migration gave way to a lock held by another session, before it waits to try again.</param>
    /// <returns>The versions applied.</returns>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct, int? upTo = null, Action<MigrationGaveWay>? gaveWay = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await RunAsync(connection, PrepareSql, ct);
            var applied = await ReadAppliedAsync(connection, ct);
            var pending = MigrationScript.LoadAll().Where(m => !applied.Contains(m.Version) && m.Version <= (upTo ?? int.MaxValue)).ToArray();
            foreach (var migration in pending) await ApplyAsync(connection, migration, gaveWay, ct);
            return pending.Select(m => m.Version).ToArray();
        }
        finally
        {
            await UnlockAsync(connection);
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript migration, Action<MigrationGaveWay>? gaveWay, CancellationToken ct)
    {
        var retryIn = FirstRetry;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyOnceAsync(connection, migration, ct);
                return;
            }
            catch (PostgresException exception) when (GaveWayStates.Contains(exception.SqlState))
            {
                gaveWay?.Invoke(new MigrationGaveWay(migration.Version, attempt, LockTimeout, retryIn, exception.MessageText));
                await Task.Delay(retryIn, ct);
                retryIn = TimeSpan.FromTicks(Math.Min(retryIn.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }

    private async Task ApplyOnceAsync(NpgsqlConnection connection, MigrationScript migration, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockTimeout = new NpgsqlCommand(LockTimeoutSql, connection))
        {
            lockTimeout.Parameters.AddWithValue("timeout", $"{(long)LockTimeout.TotalMilliseconds}ms");
            await lockTimeout.ExecuteNonQueryAsync(ct);
        }
        await using (var script = new NpgsqlCommand(sql.Format(migration.Sql), connection))
        {
            await script.ExecuteNonQueryAsync(ct);
        }
        await using (var record = new NpgsqlCommand(sql.Format(RecordSql), connection))
        {
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            await record.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    private async Task RunAsync(NpgsqlConnection connection, string statement, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql.Format(statement), connection);
        command.Parameters.AddWithValue("lock_namespace", LockNamespace);
        command.Parameters.AddWithValue("schema", sql.Schema);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Releases the advisory lock whatever ended the migration (a cancelled wait for it releases nothing that was not
    /// taken). Should that fail on a connection still open, the pool is cleared, so the connection is closed rather than
    /// handed to another caller with the lock, which would keep every later migration waiting.
    /// </summary>
    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        try
        {
            await RunAsync(connection, UnlockSql, CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private async Task<HashSet<int>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql.Format(AppliedSql), connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(ct)) versions.Add(reader.GetInt32(0));
        return versions;
    }
}
