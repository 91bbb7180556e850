-- 005: webhooks. Events are written to webhook_outbox by triggers, in the same transaction as the job's state
-- change, so an event is never lost even if every node dies right after the commit. Every node's dispatcher
-- claims due outbox rows (FOR UPDATE SKIP LOCKED), POSTs them and records each attempt in webhook_deliveries.
CREATE TABLE __schema__.webhook_subscriptions (
    name       text PRIMARY KEY,
    url        text NOT NULL,
    secret     text NOT NULL,
    events     text[] NOT NULL,
    tenant     text,
    enabled    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE __schema__.webhook_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription    text NOT NULL REFERENCES __schema__.webhook_subscriptions (name) ON DELETE CASCADE,
    event           text NOT NULL,
    job             jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    last_error      text
);

-- The dispatchers' claim: due pending rows, oldest first.
CREATE INDEX webhook_outbox_due ON __schema__.webhook_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_outbox_subscription ON __schema__.webhook_outbox (subscription, id);

CREATE TABLE __schema__.webhook_deliveries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id    bigint NOT NULL REFERENCES __schema__.webhook_outbox (id) ON DELETE CASCADE,
    subscription text NOT NULL,
    attempt      integer NOT NULL,
    status_code  integer,
    error        text,
    duration_ms  integer NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhook_deliveries_subscription ON __schema__.webhook_deliveries (subscription, id);

-- The job as events carry it: a snapshot taken in the transaction that changed it.
CREATE FUNCTION __schema__.webhook_job_json(job_id bigint, tenant text, type text, state text, attempt integer,
    failures integer, max_attempts integer, last_error text, unique_key text, enqueued_at timestamptz, result text)
RETURNS jsonb LANGUAGE sql STABLE AS $fn$
    SELECT jsonb_build_object('id', job_id::text, 'tenant', tenant, 'type', type, 'state', state, 'attempt', attempt,
        'failures', failures, 'max_attempts', max_attempts, 'last_error', last_error, 'unique_key', unique_key,
        'enqueued_at', enqueued_at, 'result', result)
$fn$;

-- Finished jobs (completed, dead, expired, cancelled): one statement-level trigger per insert statement, so a
-- batch of 2,000 completions costs one check when nobody subscribed.
CREATE FUNCTION __schema__.webhook_on_finished() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM __schema__.webhook_subscriptions WHERE enabled) THEN
        RETURN NULL;
    END IF;
    INSERT INTO __schema__.webhook_outbox (subscription, event, job)
    SELECT s.name, 'job.' || f.state,
           __schema__.webhook_job_json(f.id, f.tenant, f.type, f.state, f.attempt, f.failures, f.max_attempts,
                                       f.last_error, f.unique_key, f.enqueued_at, f.result)
    FROM finished f
    JOIN __schema__.webhook_subscriptions s
      ON s.enabled AND ('job.' || f.state) = ANY (s.events) AND (s.tenant IS NULL OR s.tenant = f.tenant)
    ORDER BY f.id, s.name;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER job_history_webhooks AFTER INSERT ON __schema__.job_history
    REFERENCING NEW TABLE AS finished FOR EACH STATEMENT EXECUTE FUNCTION __schema__.webhook_on_finished();

-- A failed attempt that will be retried (running -> failed). The WHEN clause keeps every other update of the
-- hot jobs table (claims, lease renewals, promotions) from calling the function at all.
CREATE FUNCTION __schema__.webhook_on_failed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO __schema__.webhook_outbox (subscription, event, job)
    SELECT s.name, 'job.failed',
           __schema__.webhook_job_json(NEW.id, NEW.tenant, NEW.type, NEW.state, NEW.attempt, NEW.failures,
                                       NEW.max_attempts, NEW.last_error, NEW.unique_key, NEW.enqueued_at, NULL)
    FROM __schema__.webhook_subscriptions s
    WHERE s.enabled AND 'job.failed' = ANY (s.events) AND (s.tenant IS NULL OR s.tenant = NEW.tenant);
    RETURN NULL;
END
$fn$;

CREATE TRIGGER jobs_failed_webhooks AFTER UPDATE OF state ON __schema__.jobs
    FOR EACH ROW WHEN (NEW.state = 'failed' AND OLD.state <> 'failed')
    EXECUTE FUNCTION __schema__.webhook_on_failed();

-- Progress milestones: an event for each of 25, 50, 75 and 100 % that a counter crosses upwards.
CREATE FUNCTION __schema__.webhook_on_progress() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    before_quarter integer := 0;
    after_quarter integer := floor(4.0 * least(NEW.current, NEW.total) / NEW.total)::integer;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.total > 0 AND OLD.attempt = NEW.attempt THEN
        before_quarter := floor(4.0 * least(OLD.current, OLD.total) / OLD.total)::integer;
    END IF;
    IF after_quarter <= before_quarter THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM __schema__.webhook_subscriptions WHERE enabled AND 'job.progress' = ANY (events)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO __schema__.webhook_outbox (subscription, event, job)
    SELECT s.name, 'job.progress',
           __schema__.webhook_job_json(j.id, j.tenant, j.type, j.state, NEW.attempt, j.failures, j.max_attempts,
                                       j.last_error, j.unique_key, j.enqueued_at, NULL)
           || jsonb_build_object('progress', jsonb_build_object('name', NEW.name, 'current', NEW.current,
                                 'total', NEW.total, 'milestone', q * 25))
    FROM (SELECT id, tenant, type, state, failures, max_attempts, last_error, unique_key, enqueued_at FROM __schema__.jobs WHERE id = NEW.job_id
          UNION ALL
          SELECT id, tenant, type, state, failures, max_attempts, last_error, unique_key, enqueued_at FROM __schema__.job_history WHERE id = NEW.job_id
          LIMIT 1) j
    CROSS JOIN generate_series(before_quarter + 1, after_quarter) q
    JOIN __schema__.webhook_subscriptions s
      ON s.enabled AND 'job.progress' = ANY (s.events) AND (s.tenant IS NULL OR s.tenant = j.tenant)
    ORDER BY q, s.name;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER job_progress_webhooks AFTER INSERT OR UPDATE ON __schema__.job_progress
    FOR EACH ROW WHEN (NEW.total > 0)
    EXECUTE FUNCTION __schema__.webhook_on_progress();
