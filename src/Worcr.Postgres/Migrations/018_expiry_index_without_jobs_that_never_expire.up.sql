-- 018: jobs_expiry holds only jobs that can expire.
-- The index held every waiting, scheduled and failed job, most of them with no expires_at at all, although the
-- expirer, its only reader, asks for expires_at <= now(), which no NULL matches. Each such job cost an index entry
-- at every enqueue and every return to waiting: a tenth of a 200-job enqueue's time in PostgreSQL (bench/RESULTS.md,
-- "Session 20"), and an index as large as the backlog. The expirer's condition implies expires_at IS NOT NULL, so
-- the planner still proves the new predicate from it (JobExpiryIndexTests).
DROP INDEX __schema__.jobs_expiry;
CREATE INDEX jobs_expiry ON __schema__.jobs (expires_at)
    WHERE expires_at IS NOT NULL AND state IN ('waiting', 'scheduled', 'failed');
