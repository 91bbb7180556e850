-- 019: a schedule whose fire fails backs off, and says why.
-- A fire that failed (its tenant at MaxLanesPerTenant, PostgreSQL refusing the job) left next_fire_at where it was,
-- so the schedule stayed at the head of the due list and was tried again at every maintenance pass (a warning each
-- second), and a hundred such schedules filled the due query's batch: no other schedule fired. The leader now
-- records the failure and skips the schedule until retry_at; a fire, or a save, clears the three.
ALTER TABLE __schema__.cron_schedules
    ADD COLUMN failures integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN retry_at timestamptz;
