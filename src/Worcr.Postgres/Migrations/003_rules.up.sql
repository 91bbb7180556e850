-- 003: dispatch rules stored in the database (rules/ files are the other source). Every change bumps the
-- rule's version and the installation-wide rules version, keeps the previous text in rule_versions, and is
-- announced with a NOTIFY so every node reloads within moments.
CREATE TABLE __schema__.rules (
    name       text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('weight', 'enqueue', 'retry', 'limit_key')),
    language   text NOT NULL CHECK (language IN ('lua', 'javascript', 'tag_match')),
    code       text NOT NULL,
    rule_order integer NOT NULL DEFAULT 0,
    enabled    boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every saved version of every rule, for audit and rollback.
CREATE TABLE __schema__.rule_versions (
    name       text NOT NULL,
    version    integer NOT NULL,
    kind       text NOT NULL,
    language   text NOT NULL,
    code       text NOT NULL,
    rule_order integer NOT NULL,
    enabled    boolean NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);

-- One number that changes whenever any rule changes: part of every rule-cache key.
CREATE SEQUENCE __schema__.rules_version;
