-- Bounded job logs: a job keeps its newest lines up to a node setting; the lines dropped before them are
-- counted in one note row per job (dropped IS NOT NULL), read back as the first line.
ALTER TABLE __schema__.job_logs ADD COLUMN dropped bigint;
CREATE UNIQUE INDEX job_logs_note ON __schema__.job_logs (job_id) WHERE dropped IS NOT NULL;
