-- 011: the W3C trace context a job was enqueued with ("00-<trace id>-<span id>-<flags>"), so the node's claim,
-- assign and finish spans and the worker's handler span join the producer's trace (docs/operations.md, Traces).
-- NULL when the job has none. Adding a nullable column without a default rewrites nothing.
ALTER TABLE __schema__.jobs ADD COLUMN traceparent text;
ALTER TABLE __schema__.job_history ADD COLUMN traceparent text;
