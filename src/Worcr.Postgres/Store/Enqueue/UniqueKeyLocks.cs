using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// Transaction-scoped advisory locks on unique keys, taken by every enqueue that inserts keyed jobs before it looks
/// anything up. A unique window's look-up and the insert are two statements: without the lock, another enqueue of
/// the same key could commit between them and its job finish (leaving jobs for job_history, where the unique index
/// no longer sees it), and the insert would add a duplicate inside the window. Holding the key from before the
/// look-up to the commit makes enqueues of one key take turns, so the later one's look-up sees the earlier one's job.
/// </summary>
internal sealed class UniqueKeyLocks(SchemaSql sql)
{
    // Apart from the migration lock's namespace; the second key is a hash, so two keys may share a lock (they then
    // take turns for nothing, never wrongly). Locks are taken in hash order: two batches sharing keys wait for one
    // another at the first they share, never each holding one the other waits for.
    private const int LockNamespace = 0x576f726b; // "Work"

    /// <summary>
    /// How many locks the keys are spread over. Each lock a transaction holds takes a slot of PostgreSQL's shared lock
    /// table (max_locks_per_transaction × max_connections: 6,400 with the defaults), which every session shares: one
    /// lock per key let two concurrent batches of 10,000 keyed jobs fill it, and then any session of the server failed
    /// with "out of shared memory" until they ended. With the keys in this many buckets all keyed enqueues together
    /// hold at most this many (each bucket is held by one transaction at a time). The price: unrelated keys that share
    /// a bucket take turns, so large keyed batches run one after another.
    /// </summary>
    public const int Buckets = 1024;

    private const string LockSql = """
        SELECT count(pg_advisory_xact_lock(@namespace, k.bucket)) FROM (
            SELECT DISTINCT hashtext('__schema__' || chr(31) || i.tenant || chr(31) || i.type || chr(31) || i.unique_key) & (@buckets - 1) AS bucket
            FROM unnest(@tenants, @types, @keys) AS i(tenant, type, unique_key)
            ORDER BY bucket
        ) k
        """;

    // The schema is part of each lock's hash, so the jobs of separate schemas in one database do not wait on each other.
    private readonly string _lockSql = sql.Format(LockSql);

    /// <summary>Locks each key until the connection's transaction ends.</summary>
    public async Task LockAsync(NpgsqlConnection connection, IReadOnlyCollection<UniqueKey> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return;
        await using var command = new NpgsqlCommand(_lockSql, connection)
            .With("namespace", LockNamespace)
            .With("buckets", Buckets)
            .WithArray("tenants", NpgsqlDbType.Text, keys.Select(k => k.Tenant).ToArray())
            .WithArray("types", NpgsqlDbType.Text, keys.Select(k => k.Type).ToArray())
            .WithArray("keys", NpgsqlDbType.Text, keys.Select(k => k.Key).ToArray());
        await command.ExecuteScalarAsync(ct);
    }
}
