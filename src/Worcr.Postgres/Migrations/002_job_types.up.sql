-- 002: the job types this installation knows. A type is registered when a worker that handles it connects,
-- or declared by configuration; enqueueing any other type is refused, so a typo fails loudly instead of
-- leaving a job that no worker will ever take.
CREATE TABLE __schema__.job_types (
    name          text PRIMARY KEY,
    registered_at timestamptz NOT NULL DEFAULT now()
);
