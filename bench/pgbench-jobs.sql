-- One job-like transaction: insert a waiting job, then mark it running (as a claim would).
\set tenant random(1, 10)
BEGIN;
INSERT INTO bench_jobs (tenant, type, state, args) VALUES ('t' || :tenant, 'bench.noop', 'waiting', '{"i":1}') RETURNING id \gset
UPDATE bench_jobs SET state = 'running', attempt = attempt + 1, lease_expires_at = now() + interval '30 seconds' WHERE id = :id;
COMMIT;
