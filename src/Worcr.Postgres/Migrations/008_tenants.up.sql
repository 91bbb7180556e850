-- 008: tenants and plans. A tenant's share of the workers under the weighted fairness strategy is its own
-- weight, else its plan's, else 1. Tenants that never had a row here still get jobs (share 1): rows are
-- only needed to give someone more (or less) than the default.
CREATE TABLE __schema__.plans (
    name       text PRIMARY KEY,
    weight     double precision NOT NULL CHECK (weight > 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE __schema__.tenants (
    name       text PRIMARY KEY,
    plan       text REFERENCES __schema__.plans (name) ON UPDATE CASCADE ON DELETE SET NULL,
    weight     double precision CHECK (weight > 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
