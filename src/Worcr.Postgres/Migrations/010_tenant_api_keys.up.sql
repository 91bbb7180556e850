-- 010: API keys of tenants. A producer holding one may enqueue, read, cancel, retry and watch only that tenant's
-- jobs. Only the SHA-256 of a key is stored; the key itself is shown once, when it is created. The tenant needs
-- no row in tenants (tenants without a row exist too), and deleting a tenant's settings keeps its keys.
CREATE TABLE __schema__.tenant_api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant       text NOT NULL,
    label        text NOT NULL,
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);

CREATE INDEX tenant_api_keys_tenant ON __schema__.tenant_api_keys (tenant);
