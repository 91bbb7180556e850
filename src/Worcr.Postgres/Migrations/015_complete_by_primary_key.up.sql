-- 015: a completion finds its jobs through the primary key, whatever the statistics and however old the cached plan.
-- The completion is a prepared statement, and PostgreSQL plans it once per connection (a generic plan) with the
-- table's size and statistics of that moment. Two of those moments gave plans that read far more than the batch
-- (bench/RESULTS.md, "Session 14"):
-- * statistics taken while every job waited (autoanalyze after a bulk enqueue): the literal state = 'running'
--   qualified the partial indexes jobs_worker and jobs_lease, the planner expected one running row in them, and each
--   completion read every running job;
-- * a table that was nearly empty when the plan was made: a sequential scan of jobs hash-joined to the batch, which
--   stays the plan as the table grows (225 pages read per completion in the fairness bench).
-- In this function sequential scans are off and the state is compared with a sub-select, which no partial index
-- predicate can be proved from. What is left is the primary key, searched for the batch's ids. Each deleted row
-- comes back with the result its completion carried (one of them, when a batch names an attempt twice).
CREATE FUNCTION __schema__.delete_running_attempts(ids bigint[], attempts integer[], results text[], workers text[], nodes text[])
RETURNS TABLE (job __schema__.jobs, result text)
LANGUAGE plpgsql
ROWS 10
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $fn$
BEGIN
    RETURN QUERY
        DELETE FROM __schema__.jobs j USING unnest(ids, attempts, results, workers, nodes) AS i(id, attempt, result, worker_id, node_id)
        WHERE j.id = ANY(ids) AND j.id = i.id AND j.attempt = i.attempt AND j.state = (SELECT 'running')
          AND (i.worker_id IS NULL OR (j.worker_id = i.worker_id AND j.node_id = i.node_id))
        RETURNING j, i.result;
END
$fn$;
