-- 012: bounded growth (docs/storage.md, Retention). job_history becomes a partitioned table: one list partition
-- per final state, each cut into one range partition per UTC day of finished_at, so the leader's retention drops
-- whole days of a state instead of deleting their rows one by one. Every existing row is kept.
--
-- No primary key: a key on a partitioned table must hold the partition keys (state, finished_at), and
-- (id, state, finished_at) would promise nothing more than the plain id index below. Ids stay unique because
-- they come from job_ids and a job is always in exactly one of jobs and job_history.
ALTER TABLE __schema__.job_history RENAME TO job_history_unpartitioned;
ALTER INDEX __schema__.job_history_pkey RENAME TO job_history_unpartitioned_pkey;
ALTER INDEX __schema__.job_history_finished RENAME TO job_history_unpartitioned_finished;
ALTER INDEX __schema__.job_history_unique RENAME TO job_history_unpartitioned_unique;
DROP TRIGGER job_history_webhooks ON __schema__.job_history_unpartitioned;

CREATE TABLE __schema__.job_history (
    id           bigint NOT NULL,
    lane_id      bigint NOT NULL,
    tenant       text NOT NULL,
    type         text NOT NULL,
    args         jsonb NOT NULL,
    state        text NOT NULL CHECK (state IN ('completed', 'dead', 'expired', 'cancelled')),
    attempt      integer NOT NULL,
    failures     integer NOT NULL,
    max_attempts integer NOT NULL,
    weight       double precision NOT NULL,
    enqueued_at  timestamptz NOT NULL,
    run_at       timestamptz NOT NULL,
    expires_at   timestamptz,
    unique_key   text,
    last_error   text,
    worker_id    text,
    node_id      text,
    finished_at  timestamptz NOT NULL DEFAULT now(),
    result       text,
    traceparent  text
) PARTITION BY LIST (state);

CREATE TABLE __schema__.job_history_completed PARTITION OF __schema__.job_history FOR VALUES IN ('completed') PARTITION BY RANGE (finished_at);
CREATE TABLE __schema__.job_history_dead PARTITION OF __schema__.job_history FOR VALUES IN ('dead') PARTITION BY RANGE (finished_at);
CREATE TABLE __schema__.job_history_expired PARTITION OF __schema__.job_history FOR VALUES IN ('expired') PARTITION BY RANGE (finished_at);
CREATE TABLE __schema__.job_history_cancelled PARTITION OF __schema__.job_history FOR VALUES IN ('cancelled') PARTITION BY RANGE (finished_at);

-- A row whose day has no partition yet (rows from before this migration; a leader that was down for days) lands
-- in its state's default partition instead of failing the completion; retention deletes those rows one by one.
CREATE TABLE __schema__.job_history_completed_default PARTITION OF __schema__.job_history_completed DEFAULT;
CREATE TABLE __schema__.job_history_dead_default PARTITION OF __schema__.job_history_dead DEFAULT;
CREATE TABLE __schema__.job_history_expired_default PARTITION OF __schema__.job_history_expired DEFAULT;
CREATE TABLE __schema__.job_history_cancelled_default PARTITION OF __schema__.job_history_cancelled DEFAULT;

CREATE INDEX job_history_id ON __schema__.job_history (id);
CREATE INDEX job_history_finished ON __schema__.job_history (finished_at);
CREATE INDEX job_history_unique ON __schema__.job_history (tenant, type, unique_key, enqueued_at) WHERE unique_key IS NOT NULL;
-- Retention deletes a lane only when no finished job refers to it (the job's tags live in its lane).
CREATE INDEX job_history_lane ON __schema__.job_history (lane_id);

-- Adds the partition of one state and one UTC day; false when it exists. Rows of that day that went to the
-- default partition move into it first, because ATTACH refuses a range the default partition has rows of.
-- The leader calls this ahead of time (RetentionOptions.HistoryDaysAhead) so the default stays empty.
CREATE FUNCTION __schema__.job_history_add_partition(finished_state text, day date) RETURNS boolean
LANGUAGE plpgsql AS $fn$
DECLARE
    parent text := 'job_history_' || finished_state;
    leaf text := parent || '_' || to_char(day, 'YYYYMMDD');
    from_at timestamptz := day::timestamp AT TIME ZONE 'UTC';
    to_at timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    IF finished_state NOT IN ('completed', 'dead', 'expired', 'cancelled') THEN
        RAISE EXCEPTION 'job_history has no state %', finished_state;
    END IF;
    IF to_regclass('__schema__.' || quote_ident(leaf)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE __schema__.%I (LIKE __schema__.job_history INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', leaf);
    EXECUTE format('WITH moved AS (DELETE FROM __schema__.%I WHERE finished_at >= $1 AND finished_at < $2 RETURNING *) '
                   'INSERT INTO __schema__.%I SELECT * FROM moved', parent || '_default', leaf) USING from_at, to_at;
    EXECUTE format('ALTER TABLE __schema__.%I ATTACH PARTITION __schema__.%I FOR VALUES FROM (%L) TO (%L)',
                   parent, leaf, from_at, to_at);
    RETURN true;
END
$fn$;

-- Today and the next three days (RetentionOptions.HistoryDaysAhead's default), so completions right after the
-- upgrade never reach a default partition.
SELECT __schema__.job_history_add_partition(s, d::date)
FROM unnest(ARRAY['completed', 'dead', 'expired', 'cancelled']) s,
     generate_series((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 3, interval '1 day') d;

-- Before the trigger exists: the rows already finished must not announce themselves to webhooks again.
INSERT INTO __schema__.job_history (id, lane_id, tenant, type, args, state, attempt, failures, max_attempts, weight, enqueued_at,
    run_at, expires_at, unique_key, last_error, worker_id, node_id, finished_at, result, traceparent)
SELECT id, lane_id, tenant, type, args, state, attempt, failures, max_attempts, weight, enqueued_at,
    run_at, expires_at, unique_key, last_error, worker_id, node_id, finished_at, result, traceparent
FROM __schema__.job_history_unpartitioned;
DROP TABLE __schema__.job_history_unpartitioned;

CREATE TRIGGER job_history_webhooks AFTER INSERT ON __schema__.job_history
    REFERENCING NEW TABLE AS finished FOR EACH STATEMENT EXECUTE FUNCTION __schema__.webhook_on_finished();

-- Idle lanes: a node marks a lane it enqueues into at most once an hour (its lane cache forgets ids older than
-- that), so a lane unmarked for longer than RetentionOptions.IdleLaneRetention has no node holding its id.
-- A constant default: existing lanes count as used now, and adding the column rewrites nothing.
ALTER TABLE __schema__.lanes ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX lanes_idle ON __schema__.lanes (last_used_at);

-- Webhook retention: finished outbox rows by age; their deliveries go with them (ON DELETE CASCADE), which
-- needs an index on the referencing column to stay a lookup per row.
CREATE INDEX webhook_outbox_finished ON __schema__.webhook_outbox (finished_at) WHERE state <> 'pending';
CREATE INDEX webhook_deliveries_outbox ON __schema__.webhook_deliveries (outbox_id);
