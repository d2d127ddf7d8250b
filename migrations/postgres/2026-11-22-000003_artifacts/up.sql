-- Uploaded zip archives: each is one version of an artifact package.
CREATE TABLE artifacts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    package_id BIGINT REFERENCES packages (id) ON DELETE SET NULL,
    file_name TEXT NOT NULL,
    sha1 TEXT NOT NULL,
    size BIGINT NOT NULL,
    package_name TEXT NOT NULL,
    version TEXT NOT NULL,
    -- composer.json from inside the archive, as validated.
    manifest TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX artifacts_organization ON artifacts (organization_id);
CREATE INDEX artifacts_package ON artifacts (package_id);
