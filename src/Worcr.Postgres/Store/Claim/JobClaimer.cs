using Npgsql;
using Worcr.Core.Dispatch;

namespace Worcr.Postgres;

/// <summary>
/// Leases the oldest waiting jobs of one lane to a worker; SKIP LOCKED keeps concurrent claimers apart. The lease
/// is the job type's own <c>lease_ms</c> (migration 006) when set, else the node's default passed in. The claim
/// runs in <c>claim_jobs</c> (migration 016), which reads the lane in index order and updates the jobs through the
/// primary key, whatever the statistics and however old the connection's cached plan.
/// </summary>
internal sealed class JobClaimer(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes)
{
    // Checkpoints are written only by a running attempt and an attempt number never goes down, so a first attempt
    // has none: its look-up is skipped (about 15 % of a claim of 86 jobs' execution time, bench/RESULTS.md "Session 19").
    internal const string ClaimSql = """
        SELECT c.id, c.attempt, c.args::text, c.max_attempts, c.enqueued_at, c.expires_at,
               CASE WHEN c.attempt > 1 THEN (SELECT jsonb_object_agg(k.name, k.value) FROM __schema__.job_checkpoints k WHERE k.job_id = c.id)::text END,
               c.traceparent
        FROM __schema__.claim_jobs(@lane_id, @limit, @worker_id, @node_id, @lease) c
        ORDER BY c.enqueued_at, c.id
        """;

    // A claim commits durably, like every other write: it hands the job to a worker, and a claim lost in a crash would
    // leave the job waiting under the same attempt number while that worker runs it, free for a second worker
    // (PostgresFaultTests.A_claim_survives_an_immediate_stop_right_after_it). Concurrent claims share the fsync.

    private readonly string _claimSql = sql.Format(ClaimSql);

    public async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(long laneId, int limit, string workerId, string nodeId, TimeSpan lease, CancellationToken ct)
    {
        if (limit < 1) return [];
        var lane = await lanes.GetAsync(laneId, ct) ?? throw new ArgumentException($"Lane {laneId} does not exist.", nameof(laneId));
        await using var claim = dataSource.CreateCommand(_claimSql);
        claim.Parameters.AddWithValue("lane_id", laneId);
        claim.Parameters.AddWithValue("limit", limit);
        claim.Parameters.AddWithValue("worker_id", workerId);
        claim.Parameters.AddWithValue("node_id", nodeId);
        claim.Parameters.AddWithValue("lease", lease);
        await using var reader = await claim.ExecuteReaderAsync(ct);
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
