-- 014: a claim reads its lane's waiting jobs in index order, whatever the statistics say.
-- The statistics of jobs are as old as autovacuum's last ANALYZE, and that can be from before a lane filled: a new
-- lane, or a burst of jobs into a quiet table (autoanalyze comes a minute later at best). The planner then expects
-- a handful of rows and prefers a bitmap scan of the lane plus a sort of all of it, so every claim of 100 jobs
-- sorted the whole lane: 190 ms a claim with 300,000 waiting, spilling to disk (bench/RESULTS.md, "Session 12").
-- Inside this function only, sorting and bitmap scans are off. What is left is the ordered scan of jobs_claim,
-- which reads as many entries as the claim takes, skipping the rows other claims hold. That plan fits every lane
-- and batch size, so the function plans it once per connection (a generic plan) instead of at every call.
CREATE FUNCTION __schema__.claimable_jobs(lane bigint, max_jobs integer) RETURNS SETOF bigint
LANGUAGE plpgsql
SET enable_sort = off
SET enable_bitmapscan = off
SET plan_cache_mode = force_generic_plan
AS $fn$
BEGIN
    RETURN QUERY
        SELECT j.id FROM __schema__.jobs j
        WHERE j.lane_id = lane AND j.state = 'waiting' AND (j.expires_at IS NULL OR j.expires_at > now())
        ORDER BY j.enqueued_at, j.id
        LIMIT max_jobs
        FOR UPDATE SKIP LOCKED;
END
$fn$;
