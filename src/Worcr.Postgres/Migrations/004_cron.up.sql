-- 004: cron schedules. The leader fires a due schedule by enqueueing its job (unique key
-- cron:{name}:{tick unix seconds}) in the same transaction that moves next_fire_at forward with a
-- compare-and-set on the old value, so two nodes that both believe they lead cannot fire one tick twice.
-- next_fire_at lives here, not in memory, so a tick missed while no leader ran is fired by the next leader.
CREATE TABLE __schema__.cron_schedules (
    name          text PRIMARY KEY,
    expression    text NOT NULL,
    time_zone     text NOT NULL DEFAULT 'UTC',
    job_type      text NOT NULL,
    tenant        text NOT NULL,
    tags          text[] NOT NULL DEFAULT '{}',
    args          jsonb NOT NULL DEFAULT '{}',
    weight        double precision NOT NULL DEFAULT 1 CHECK (weight > 0),
    max_attempts  integer NOT NULL CHECK (max_attempts > 0),
    enabled       boolean NOT NULL DEFAULT true,
    origin        text NOT NULL CHECK (origin IN ('api', 'file')),
    -- NULL when the expression has no future occurrence (or the schedule is disabled).
    next_fire_at  timestamptz,
    last_fired_at timestamptz,
    last_tick_at  timestamptz,
    last_job_id   bigint,
    last_fired_by text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The leader's due query.
CREATE INDEX cron_schedules_due ON __schema__.cron_schedules (next_fire_at) WHERE enabled AND next_fire_at IS NOT NULL;
