using Npgsql;
using Worcr.Core.Dispatch;

namespace Worcr.Postgres;

/// <summary>
/// Leases the oldest waiting jobs of one lane to a worker; SKIP LOCKED keeps concurrent claimers apart. The lease
/// is the job type's own <c>lease_ms</c> (migration 006) when set, else the node's default passed in.
/// </summary>
internal sealed class JobClaimer(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes)
{
    private const string ClaimSql = """
        WITH claimed AS (
            UPDATE __schema__.jobs j
            SET state = 'running', attempt = j.attempt + 1, worker_id = @worker_id, node_id = @node_id,
                lease_expires_at = now() + coalesce(
                    (SELECT t.lease_ms FROM __schema__.lanes l JOIN __schema__.job_types t ON t.name = l.type WHERE l.id = @lane_id)
                    * interval '1 millisecond', @lease)
            WHERE j.id IN (
                SELECT id FROM __schema__.jobs
                WHERE lane_id = @lane_id AND state = 'waiting' AND (expires_at IS NULL OR expires_at > now())
                ORDER BY enqueued_at, id
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            RETURNING j.id, j.attempt, j.args, j.max_attempts, j.enqueued_at, j.expires_at, j.traceparent
        )
        SELECT c.id, c.attempt, c.args::text, c.max_attempts, c.enqueued_at, c.expires_at,
               (SELECT jsonb_object_agg(k.name, k.value) FROM __schema__.job_checkpoints k WHERE k.job_id = c.id)::text,
               c.traceparent
        FROM claimed c
        ORDER BY c.enqueued_at, c.id
        """;

    // A claim is a lease, so it need not wait for the disk: if PostgreSQL crashes before flushing it, the job is
    // simply waiting again and runs again (at least once, as after a lost worker); the attempt fence turns the
    // first run's late report into a stale one or the outcome of the job. Any later durable commit (an enqueue,
    // a completion) flushes it anyway. Local to the batch's one implicit transaction.
    private const string AsyncCommitSql = "SELECT set_config('synchronous_commit', 'off', true)";

    private readonly string _claimSql = sql.Format(ClaimSql);

    public async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(long laneId, int limit, string workerId, string nodeId, TimeSpan lease, CancellationToken ct)
    {
        if (limit < 1) return [];
        var lane = await lanes.GetAsync(laneId, ct) ?? throw new ArgumentException($"Lane {laneId} does not exist.", nameof(laneId));
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AsyncCommitSql));
        var claim = new NpgsqlBatchCommand(_claimSql);
        claim.Parameters.AddWithValue("lane_id", laneId);
        claim.Parameters.AddWithValue("limit", limit);
        claim.Parameters.AddWithValue("worker_id", workerId);
        claim.Parameters.AddWithValue("node_id", nodeId);
        claim.Parameters.AddWithValue("lease", lease);
        batch.BatchCommands.Add(claim);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        var claimed = new List<ClaimedJob>();
        var claimedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedJob(reader.GetInt64(0), reader.GetInt32(1), lane, reader.GetString(2), reader.GetInt32(3),
                reader.GetTime(4), reader.GetTimeOrNull(5), reader.GetStringMap(6))
            {
                TraceParent = reader.GetStringOrNull(7), ClaimedTimestamp = claimedAt,
            });
        }
        return claimed;
    }
}
