-- 016: a claim updates its jobs through the primary key, however old the connection's cached plan.
-- The claim is a prepared statement, and PostgreSQL plans it once per connection (a generic plan) with the table's
-- size of that moment. Planned while jobs was empty, its UPDATE ... WHERE id = ANY(claimable jobs) became a
-- sequential scan of the whole table, and stayed one as the table filled: every claim then read every job
-- (ClaimPlanTests; bench/RESULTS.md, "Session 14"). The whole claim now runs in this function, with sequential scans
-- off besides the settings of claimable_jobs (migration 014, which nodes of earlier versions still call).
-- The lease is the job type's own lease_ms (migration 006) when set, else the node's default passed in.
CREATE FUNCTION __schema__.claim_jobs(lane bigint, max_jobs integer, worker text, node text, default_lease interval)
RETURNS TABLE (id bigint, attempt integer, args jsonb, max_attempts integer, enqueued_at timestamptz,
               expires_at timestamptz, traceparent text)
LANGUAGE plpgsql
ROWS 100
SET enable_seqscan = off
SET enable_sort = off
SET enable_bitmapscan = off
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        UPDATE __schema__.jobs j
        SET state = 'running', attempt = j.attempt + 1, worker_id = worker, node_id = node,
            lease_expires_at = now() + coalesce(
                (SELECT t.lease_ms FROM __schema__.lanes l JOIN __schema__.job_types t ON t.name = l.type WHERE l.id = lane)
                * interval '1 millisecond', default_lease)
        WHERE j.id = ANY(ARRAY(
            SELECT w.id FROM __schema__.jobs w
            WHERE w.lane_id = lane AND w.state = 'waiting' AND (w.expires_at IS NULL OR w.expires_at > now())
            ORDER BY w.enqueued_at, w.id
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED))
        RETURNING j.id, j.attempt, j.args, j.max_attempts, j.enqueued_at, j.expires_at, j.traceparent;
END
$fn$;
