using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Applies pending migrations in one transaction under a transaction-level advisory lock, so several nodes
/// starting at once migrate exactly once: the others wait for the lock, then find nothing left to do.
/// A migration that alters a table waits for every transaction that has touched it, and while it waits, every later
/// statement on that table waits behind it: one long transaction reading <c>jobs</c> (a report, a forgotten psql
/// session) would stop every enqueue, claim and completion of every running node. So each table lock is waited for
/// at most <see cref="LockTimeout"/>; then the migration rolls back, gives way to the traffic, reports it and tries
/// again after a back-off, until it gets its locks or the caller cancels.
/// </summary>
internal sealed class Migrator(NpgsqlDataSource dataSource, SchemaSql sql)
{
    // Namespaces the advisory lock key so it cannot collide with locks other software takes.
    private const int LockNamespace = 0x576f7263; // "Worc"

    private const string PrepareSql = """
        SELECT pg_advisory_xact_lock(@lock_namespace, hashtext(@schema));
        CREATE SCHEMA IF NOT EXISTS __schema__;
        CREATE TABLE IF NOT EXISTS __schema__.schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now());
        """;

    private const string AppliedSql = "SELECT version FROM __schema__.schema_migrations";

    private const string RecordSql = "INSERT INTO __schema__.schema_migrations (version, name) VALUES (@version, @name)";

    // After the advisory lock, which is waited for without a limit: the node holding it is migrating.
    private const string LockTimeoutSql = "SELECT set_config('lock_timeout', @timeout, true)";

    private const string LockNotAvailable = "55P03";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>How long one table lock is waited for before the migration gives way (long enough for any job-path transaction).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <param name="upTo">The last version to apply (tests of a migration's upgrade path); all when null.</param>
    /// <param name="gaveWay">Told each time the migration gave way to a lock held by another session, before it waits to try again.</param>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct, int? upTo = null, Action<MigrationGaveWay>? gaveWay = null)
    {
        var retryIn = FirstRetry;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await MigrateOnceAsync(upTo, ct);
            }
            catch (PostgresException exception) when (exception.SqlState == LockNotAvailable)
            {
                gaveWay?.Invoke(new MigrationGaveWay(attempt, LockTimeout, retryIn, exception.MessageText));
                await Task.Delay(retryIn, ct);
                retryIn = TimeSpan.FromTicks(Math.Min(retryIn.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }

    private async Task<IReadOnlyList<int>> MigrateOnceAsync(int? upTo, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await PrepareAsync(connection, ct);
        var applied = await ReadAppliedAsync(connection, ct);
        var pending = MigrationScript.LoadAll().Where(m => !applied.Contains(m.Version) && m.Version <= (upTo ?? int.MaxValue)).ToArray();
        foreach (var migration in pending) await ApplyAsync(connection, migration, ct);
        await transaction.CommitAsync(ct);
        return pending.Select(m => m.Version).ToArray();
    }

    private async Task PrepareAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql.Format(PrepareSql), connection);
        command.Parameters.AddWithValue("lock_namespace", LockNamespace);
        command.Parameters.AddWithValue("schema", sql.Schema);
        await command.ExecuteNonQueryAsync(ct);
        await using var lockTimeout = new NpgsqlCommand(LockTimeoutSql, connection);
        lockTimeout.Parameters.AddWithValue("timeout", $"{(long)LockTimeout.TotalMilliseconds}ms");
        await lockTimeout.ExecuteNonQueryAsync(ct);
    }

    private async Task<HashSet<int>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql.Format(AppliedSql), connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(ct)) versions.Add(reader.GetInt32(0));
        return versions;
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript migration, CancellationToken ct)
    {
        await using (var script = new NpgsqlCommand(sql.Format(migration.Sql), connection))
        {
            await script.ExecuteNonQueryAsync(ct);
        }
        await using var record = new NpgsqlCommand(sql.Format(RecordSql), connection);
        record.Parameters.AddWithValue("version", migration.Version);
        record.Parameters.AddWithValue("name", migration.Name);
        await record.ExecuteNonQueryAsync(ct);
    }
}
