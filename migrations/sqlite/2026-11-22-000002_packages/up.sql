-- Packages, their versions, the credentials to read their sources, organization
-- tokens for the Composer repository, and the rendered Composer documents.

CREATE TABLE credentials (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    -- The secret parts (password, token, private key…), encrypted with the instance key.
    sealed_secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX credentials_organization ON credentials (organization_id);

CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- vendor/name from composer.json; unknown until the source was read once.
    name TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('vcs', 'custom', 'artifact')),
    repository_url TEXT,
    credential_id BIGINT REFERENCES credentials (id) ON DELETE SET NULL,
    definition TEXT,
    description TEXT,
    package_type TEXT,
    default_branch TEXT,
    last_job_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE package_versions (
    id INTEGER PRIMARY KEY,
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    version_normalized TEXT NOT NULL,
    stability TEXT NOT NULL,
    ref_name TEXT,
    source_reference TEXT,
    dist_reference TEXT,
    dist_sha1 TEXT,
    released_at TIMESTAMP NOT NULL,
    is_default_branch BOOLEAN NOT NULL,
    -- The version object as published in the p2 files (JSON).
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (package_id, version_normalized)
);

-- Names a package requires in any version: answers "who depends on X" with one index.
CREATE TABLE package_requirements (
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    required_name TEXT NOT NULL,
    PRIMARY KEY (package_id, required_name)
);
CREATE INDEX package_requirements_name ON package_requirements (required_name);

-- Rendered Composer documents (packages.json, p2 files), served as stored bytes.
CREATE TABLE composer_documents (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    etag TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, path)
);

CREATE TABLE organization_tokens (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'update')),
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at TIMESTAMP
);
CREATE INDEX organization_tokens_organization ON organization_tokens (organization_id);

-- Install statistics from notify-batch, one counter per package, version and day.
CREATE TABLE package_downloads (
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version_normalized TEXT NOT NULL,
    day TEXT NOT NULL,
    downloads BIGINT NOT NULL,
    PRIMARY KEY (package_id, version_normalized, day)
);

-- What a job did, line by line (skipped refs and why, steps), kept after it ends.
ALTER TABLE jobs ADD COLUMN log TEXT NOT NULL DEFAULT '';
