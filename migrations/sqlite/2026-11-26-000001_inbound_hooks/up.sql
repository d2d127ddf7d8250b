-- Inbound webhooks: packages are found by the normalized key of their repository URL
-- (webhooks::repository_key), through an index; every delivery is logged.

-- NULL for custom and artifact packages, and for VCS packages added before this
-- migration until the first start computes it (the rules live in Rust, not SQL).
ALTER TABLE packages ADD COLUMN repository_key TEXT;
CREATE INDEX packages_repository_key ON packages (repository_key);

-- One row per package a delivery touched, or one row without package when none matched.
CREATE TABLE hook_deliveries (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    package_id BIGINT REFERENCES packages (id) ON DELETE CASCADE,
    -- github, gitlab, generic, … (webhooks::Provider::as_str)
    provider TEXT NOT NULL,
    -- push, ping, ignored, …
    event TEXT NOT NULL,
    -- queued, ignored, no_match
    outcome TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    message TEXT,
    job_id BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX hook_deliveries_package ON hook_deliveries (package_id, id);
