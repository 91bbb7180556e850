CREATE TABLE IF NOT EXISTS bench_jobs (
    id bigserial PRIMARY KEY,
    tenant text NOT NULL,
    type text NOT NULL,
    state text NOT NULL,
    attempt int NOT NULL DEFAULT 0,
    args jsonb,
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    lease_expires_at timestamptz
);
CREATE INDEX IF NOT EXISTS bench_jobs_waiting ON bench_jobs (enqueued_at, id) WHERE state = 'waiting';
