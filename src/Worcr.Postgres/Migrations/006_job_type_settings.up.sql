-- 006: per job type settings, set through the admin API (PUT /api/job-types/{name}). NULL means "the node's
-- default" (NodeOptions.DefaultMaxAttempts, RetryBaseDelay, RetryMaxDelay, LeaseDuration), so a type nobody
-- configured behaves exactly as before. Precedence at enqueue: rule, then the job's spec, then these, then the node.
ALTER TABLE __schema__.job_types
    ADD COLUMN max_attempts  integer CHECK (max_attempts BETWEEN 1 AND 1000),
    ADD COLUMN retry_base_ms integer CHECK (retry_base_ms >= 1),
    ADD COLUMN retry_max_ms  integer CHECK (retry_max_ms >= 1),
    ADD COLUMN lease_ms      integer CHECK (lease_ms >= 100),
    ADD COLUMN updated_at    timestamptz;
