-- 007: limits. A job's limit keys are computed once, at enqueue, and become part of its lane's signature, so
-- all jobs of a lane share the same limits and a lane over a limit is skipped as a whole (no head-of-line
-- blocking). Limit definitions are data: this table (editable through the admin API, announced with NOTIFY on
-- {schema}_limits) plus rules/limits.json. Counters live in Redis, never here.
ALTER TABLE __schema__.lanes ADD COLUMN limit_keys text[] NOT NULL DEFAULT '{}';
ALTER TABLE __schema__.lanes DROP CONSTRAINT lanes_signature;
ALTER TABLE __schema__.lanes ADD CONSTRAINT lanes_signature UNIQUE (tenant, type, tags, weight, limit_keys);

CREATE TABLE __schema__.limits (
    name        text PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('concurrency', 'fixed_window', 'sliding_window', 'token_bucket')),
    -- What the limit applies to: every tenant, a tag, every (or one) job type, an args field, or keys from rules.
    match_by    text NOT NULL CHECK (match_by IN ('tenant', 'tag', 'type', 'args', 'key')),
    -- The args field (match_by = 'args').
    match_field text,
    -- The tag, the one type or tenant, or the key pattern ('host:*'); NULL means every value.
    match_value text,
    capacity    bigint NOT NULL CHECK (capacity > 0),
    period_ms   bigint CHECK (period_ms > 0),
    burst       bigint CHECK (burst > 0),
    -- job: counted when the dispatcher hands jobs out; rate: acquired by workers mid-job (Workers.AcquireLimit).
    mode        text NOT NULL CHECK (mode IN ('job', 'rate')),
    enabled     boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
