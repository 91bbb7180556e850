-- 013: webhook events are no longer written by triggers. Each transition's own statement (completion, failure,
-- cancel, expiry, lost worker, progress) writes its outbox rows as a data-modifying CTE, in the same statement and
-- so the same transaction as the change: still never lost, and now visible next to the code that makes the change
-- (src/Worcr.Postgres/Webhooks/WebhookOutboxSql.cs). The payload is built there too.
DROP TRIGGER job_history_webhooks ON __schema__.job_history;
DROP TRIGGER jobs_failed_webhooks ON __schema__.jobs;
DROP TRIGGER job_progress_webhooks ON __schema__.job_progress;
DROP FUNCTION __schema__.webhook_on_finished();
DROP FUNCTION __schema__.webhook_on_failed();
DROP FUNCTION __schema__.webhook_on_progress();
DROP FUNCTION __schema__.webhook_job_json(bigint, text, text, text, integer, integer, integer, text, text, timestamptz, text);
