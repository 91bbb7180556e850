-- 020: a schedule may leave max_attempts unset.
-- Every save stored a value: the one given, or else the node's DefaultMaxAttempts, so a schedule's jobs ignored their
-- job type's max_attempts, which a producer's job without one gets. NULL now means "not given", and each fire resolves
-- it as a producer's enqueue does (an enqueue rule, then the type's setting, then DefaultMaxAttempts). Rows stored
-- before keep their number: whether it was given or defaulted is not known. A schedule saved again without one (every
-- schedules.json schedule, at the next start) stores NULL.
ALTER TABLE __schema__.cron_schedules ALTER COLUMN max_attempts DROP NOT NULL;
