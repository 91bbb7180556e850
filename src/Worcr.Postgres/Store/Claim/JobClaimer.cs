using Npgsql;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>
/// Leases the oldest waiting jobs of one lane to a worker; SKIP LOCKED keeps concurrent claimers apart. The lease
/// is the job type's own <c>lease_ms</c> (migration 006) when set, else the node's default passed in. The claim
/// runs in <c>claim_jobs</c> (migration 016), which reads the lane in index order and updates the jobs through the
/// primary key, whatever the statistics and however old the connection's cached plan. Each claim marks its jobs with
/// a token of its own (migration 021): a claim whose answer was lost is read back by it.
/// </summary>
internal sealed class JobClaimer(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes)
{
    // Checkpoints are written only by a running attempt and an attempt number never goes down, so a first attempt
    // has none: its look-up is skipped (about 15 % of a claim of 86 jobs' execution time, bench/RESULTS.md "Session 19").
    internal const string ClaimSql = """
        SELECT c.id, c.attempt, c.args::text, c.max_attempts, c.enqueued_at, c.expires_at,
               CASE WHEN c.attempt > 1 THEN (SELECT jsonb_object_agg(k.name, k.value) FROM __schema__.job_checkpoints k WHERE k.job_id = c.id)::text END,
               c.traceparent
        FROM __schema__.claim_jobs(@lane_id, @limit, @worker_id, @node_id, @lease, @token) c
        ORDER BY c.enqueued_at, c.id
        """;

    // The jobs one claim took, in the claim's order, as the claim returns them: still running under its worker and node.
    // Each one's lease starts again here, as long as the claim would give it: the node's lease fence counts from the
    // Assign, which comes after this read-back (up to half a lease after the claim), so a lease counted from the claim
    // could lapse in PostgreSQL while the worker runs the job, and the reaper hand it to a second worker.
    internal const string ClaimedByTokenSql = """
        WITH mine AS (
            UPDATE __schema__.jobs j
            SET lease_expires_at = now() + coalesce(
                (SELECT t.lease_ms FROM __schema__.lanes l JOIN __schema__.job_types t ON t.name = l.type WHERE l.id = @lane_id)
                * interval '1 millisecond', @lease)
            WHERE j.state = 'running' AND j.worker_id = @worker_id AND j.node_id = @node_id AND j.claim_token = @token
            RETURNING j.id, j.attempt, j.args, j.max_attempts, j.enqueued_at, j.expires_at, j.traceparent)
        SELECT m.id, m.attempt, m.args::text, m.max_attempts, m.enqueued_at, m.expires_at,
               CASE WHEN m.attempt > 1 THEN (SELECT jsonb_object_agg(k.name, k.value) FROM __schema__.job_checkpoints k WHERE k.job_id = m.id)::text END,
               m.traceparent
        FROM mine m
        ORDER BY m.enqueued_at, m.id
        """;

    // Between two reads of a lost claim's jobs while PostgreSQL does not answer.
    private static readonly TimeSpan ReadBackPause = TimeSpan.FromMilliseconds(250);

    // A claim commits durably, like every other write: it hands the job to a worker, and a claim lost in a crash would
    // leave the job waiting under the same attempt number while that worker runs it, free for a second worker
    // (PostgresFaultTests.A_claim_survives_an_immediate_stop_right_after_it). Concurrent claims share the fsync.

    private readonly string _claimSql = sql.Format(ClaimSql);
    private readonly string _claimedByTokenSql = sql.Format(ClaimedByTokenSql);

    public async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(long laneId, int limit, string workerId, string nodeId, TimeSpan lease, CancellationToken ct)
    {
        if (limit < 1) return [];
        var lane = await lanes.GetAsync(laneId, ct) ?? throw new ArgumentException($"Lane {laneId} does not exist.", nameof(laneId));
        var token = Guid.NewGuid();
        // A connection that cannot be opened sent nothing: that failure is the caller's, as before.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await using var claim = new NpgsqlCommand(_claimSql, connection);
            claim.Parameters.AddWithValue("lane_id", laneId);
            claim.Parameters.AddWithValue("limit", limit);
            claim.Parameters.AddWithValue("worker_id", workerId);
            claim.Parameters.AddWithValue("node_id", nodeId);
            claim.Parameters.AddWithValue("lease", lease);
            claim.Parameters.AddWithValue("token", token);
            await using var reader = await claim.ExecuteReaderAsync(ct);
            return await ReadAsync(reader, lane, claimedAt: null, ct);
        }
        catch (Exception exception) when (ClaimAnswerLost(exception) && !ct.IsCancellationRequested)
        {
            // Nothing read back: the claim had not committed, or PostgreSQL did not answer within the budget. Either
            // way the claim fails as it did before this read-back existed, so the dispatcher reconciles and retries
            // rather than take the lane for empty.
            var found = await ReadBackAsync(lane, workerId, nodeId, token, sentAt, lease, ct);
            if (found.Count == 0) throw;
            return found;
        }
    }

    // A PostgresException is PostgreSQL's own answer, but one of severity FATAL or PANIC (57P01 admin shutdown, ...)
    // ends the connection, and whether the claim committed before it is unknown. Reading back is harmless when it did not.
    private static bool ClaimAnswerLost(Exception exception) =>
        CommitConfirmation.AnswerLost(exception) || exception is PostgresException { InvariantSeverity: "FATAL" or "PANIC" };

    /// <summary>
    /// The jobs of a claim whose answer was lost: it committed or not, and if it did its jobs carry its token (none
    /// otherwise). Read again every <see cref="ReadBackPause"/> while PostgreSQL does not answer (it may be restarting),
    /// for up to half the lease from the claim on; past that the jobs' leases lapse soon anyway, and the reaper
    /// requeues them (charging the attempt, as before this read-back existed). Each attempt, and each pause, is bounded
    /// by what is left of that budget: the read-back runs on the node's one dispatch loop, which waits meanwhile. The
    /// budget is half the lease passed in (the node's default); a job type's own lease is not known before the jobs are.
    /// Empty when nothing was found or the budget ran out. The read-back renews the leases of what it finds
    /// (<see cref="ClaimedByTokenSql"/>), so a job handed out from here has a whole lease in PostgreSQL from the
    /// read-back on, which outlasts the node's lease fence counted from the Assign after it.
    /// </summary>
    private async Task<IReadOnlyList<ClaimedJob>> ReadBackAsync(Lane lane, string workerId, string nodeId, Guid token, long sentAt, TimeSpan lease,
        CancellationToken ct)
    {
        var budget = lease / 2;
        while (true)
        {
            var left = budget - System.Diagnostics.Stopwatch.GetElapsedTime(sentAt);
            if (left <= TimeSpan.Zero) return [];
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(left);
            try
            {
                await using var command = dataSource.CreateCommand(_claimedByTokenSql)
                    .With("lane_id", lane.Id).With("lease", lease).With("worker_id", workerId).With("node_id", nodeId).With("token", token);
                await using var reader = await command.ExecuteReaderAsync(bounded.Token);
                return await ReadAsync(reader, lane, claimedAt: sentAt, bounded.Token);
            }
            catch (Exception exception) when (!ct.IsCancellationRequested && (bounded.IsCancellationRequested || ClaimAnswerLost(exception)))
            {
                if (bounded.IsCancellationRequested) return [];
                await Task.Delay(ReadBackPause, bounded.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <param name="claimedAt">When the lease started by this node's clock; now when null.</param>
    private static async Task<IReadOnlyList<ClaimedJob>> ReadAsync(NpgsqlDataReader reader, Lane lane, long? claimedAt, CancellationToken ct)
    {
        var claimed = new List<ClaimedJob>();
        var at = claimedAt ?? System.Diagnostics.Stopwatch.GetTimestamp();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedJob(reader.GetInt64(0), reader.GetInt32(1), lane, reader.GetString(2), reader.GetInt32(3),
                reader.GetTime(4), reader.GetTimeOrNull(5), reader.GetStringMap(6))
            {
                TraceParent = reader.GetStringOrNull(7), ClaimedTimestamp = at,
            });
        }
        return claimed;
    }
}
