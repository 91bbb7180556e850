using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// A live worker's heartbeat pushes the leases of all its running jobs forward (DB clock), each by its job type's
/// own <c>lease_ms</c> when set, else by the node's default passed in.
/// </summary>
/// <remarks>
/// SKIP LOCKED: a row locked right now is being completed, failed, yielded or cancelled, which ends its lease anyway.
/// Waiting for it would stall the worker's stream behind the heartbeat, and locking many rows in scan order while a
/// completion batch deletes them in its own order is a deadlock (seen under load: PostgreSQL 40P01).
/// </remarks>
internal sealed class LeaseRenewer(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string RenewSql = """
        UPDATE __schema__.jobs j SET lease_expires_at = now() + coalesce(
            (SELECT t.lease_ms FROM __schema__.job_types t WHERE t.name = j.type) * interval '1 millisecond', @lease)
        FROM (
            SELECT id FROM __schema__.jobs
            WHERE state = 'running' AND worker_id = @worker_id AND node_id = @node_id
            FOR UPDATE SKIP LOCKED
        ) mine
        WHERE j.id = mine.id
        """;

    private readonly string _renewSql = sql.Format(RenewSql);

    public async Task<int> RenewAsync(string workerId, string nodeId, TimeSpan lease, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_renewSql).With("lease", lease).With("worker_id", workerId).With("node_id", nodeId);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
