-- 021: a claim marks the jobs it takes with a token of the node's choosing.
-- A claim is one statement that commits before PostgreSQL sends its rows. When the connection broke between the two
-- (a reset, PostgreSQL stopping right after the commit), the jobs were running under the worker, but the node never
-- learned their ids: no Assign was sent, and once the lease lapsed the reaper charged each job a failure for an
-- attempt it never had; a job of max_attempts 1 went dead, "lease expired", without running (LostClaimAnswerTests).
-- The node now reads them back by the token (JobClaimer) and hands them out as the claim's answer.
-- Nullable without a default, so adding it rewrites nothing. claim_jobs of migration 016 stays for nodes of the
-- earlier version during a rolling upgrade (they leave the token as it was; the read-back also asks for the node).
ALTER TABLE __schema__.jobs ADD COLUMN claim_token uuid;

CREATE FUNCTION __schema__.claim_jobs(lane bigint, max_jobs integer, worker text, node text, default_lease interval, token uuid)
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
        SET state = 'running', attempt = j.attempt + 1, worker_id = worker, node_id = node, claim_token = token,
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
