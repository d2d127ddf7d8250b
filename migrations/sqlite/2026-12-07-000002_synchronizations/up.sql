-- An organization connected to a GitHub organization, a GitLab group or a Bitbucket
-- workspace: its repositories with a composer.json become packages, with Packyard's
-- hook installed on each.
CREATE TABLE synchronizations (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- github, gitlab, bitbucket (code_hosts::Host)
    provider TEXT NOT NULL,
    -- The API base: https://api.github.com, https://gitlab.example/api/v4, …
    api_url TEXT NOT NULL,
    -- The organization login, group full path or workspace slug at the host.
    external_name TEXT NOT NULL,
    -- Calls the API and reads the repositories. A removed credential leaves the
    -- synchronization failing with a clear message rather than gone.
    credential_id BIGINT REFERENCES credentials (id) ON DELETE SET NULL,
    last_job_id BIGINT,
    last_synced_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX synchronizations_target
    ON synchronizations (organization_id, provider, api_url, external_name);

-- The synchronization a package came from (NULL for packages added by hand).
ALTER TABLE packages ADD COLUMN synchronization_id BIGINT
    REFERENCES synchronizations (id) ON DELETE SET NULL;

-- Vendor bundles that receive the packages a synchronization finds from now on.
CREATE TABLE vendor_bundle_synchronizations (
    vendor_bundle_id BIGINT NOT NULL REFERENCES vendor_bundles (id) ON DELETE CASCADE,
    synchronization_id BIGINT NOT NULL REFERENCES synchronizations (id) ON DELETE CASCADE,
    PRIMARY KEY (vendor_bundle_id, synchronization_id)
);
