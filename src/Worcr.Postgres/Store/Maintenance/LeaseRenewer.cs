using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// A live stream's heartbeat pushes the leases of the attempts it was given forward (DB clock), each by its job
/// type's own <c>lease_ms</c> when set, else by the node's default passed in.
/// </summary>
/// <remarks>
/// By attempt, never by worker id alone: a worker whose stream died reconnects under the same id, often to the same
/// node, and a renewal by id would keep the dead stream's attempts alive for ever (running, with no worker that
/// knows them). Those must lapse, so the reaper requeues them.
/// SKIP LOCKED: a row locked right now is being completed, failed, yielded or cancelled, which ends its lease anyway.
/// Waiting for it would stall the worker's stream behind the heartbeat, and locking many rows in scan order while a
/// completion batch deletes them in its own order is a deadlock (seen under load: PostgreSQL 40P01).
/// </remarks>
internal sealed class LeaseRenewer(NpgsqlDataSource dataSource, SchemaSql sql)
{
    // Both parts read one snapshot: "held" is every asked attempt still running under the holder, locked or not.
    private const string RenewSql = """
        WITH held AS (
            SELECT id, attempt FROM __schema__.jobs
            WHERE state = 'running' AND worker_id = @worker_id AND node_id = @node_id
                AND (id, attempt) IN (SELECT * FROM unnest(@ids, @attempts))
        ), renewed AS (
            UPDATE __schema__.jobs j SET lease_expires_at = now() + coalesce(
                (SELECT t.lease_ms FROM __schema__.job_types t WHERE t.name = j.type) * interval '1 millisecond', @lease)
            FROM (
                SELECT id FROM __schema__.jobs
                WHERE state = 'running' AND worker_id = @worker_id AND node_id = @node_id
                    AND (id, attempt) IN (SELECT * FROM unnest(@ids, @attempts))
                FOR UPDATE SKIP LOCKED
            ) mine
            WHERE j.id = mine.id
            RETURNING j.id
        )
        SELECT h.id, h.attempt, r.id IS NOT NULL FROM held h LEFT JOIN renewed r USING (id)
        """;

    private readonly string _renewSql = sql.Format(RenewSql);

    public async Task<LeaseRenewal> RenewAsync(LeaseHolder holder, IReadOnlyList<(long JobId, int Attempt)> attempts, TimeSpan lease, CancellationToken ct)
    {
        if (attempts.Count == 0) return LeaseRenewal.None;
        await using var command = dataSource.CreateCommand(_renewSql).With("lease", lease).WithHolder(holder)
            .WithArray("ids", NpgsqlDbType.Bigint, attempts.Select(a => a.JobId).ToArray())
            .WithArray("attempts", NpgsqlDbType.Integer, attempts.Select(a => a.Attempt).ToArray());
        var held = new HashSet<(long, int)>();
        var renewed = new HashSet<(long, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var attempt = (reader.GetInt64(0), reader.GetInt32(1));
            held.Add(attempt);
            if (reader.GetBoolean(2)) renewed.Add(attempt);
        }
        return new LeaseRenewal(held, renewed);
    }
}
