-- Installs reported with an organization token, per token (package_downloads keeps the
-- totals, customer_downloads the vendor customers').
CREATE TABLE token_downloads (
    token_id BIGINT NOT NULL REFERENCES organization_tokens (id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version_normalized TEXT NOT NULL,
    day TEXT NOT NULL,
    downloads BIGINT NOT NULL,
    PRIMARY KEY (token_id, package_id, version_normalized, day)
);
CREATE INDEX token_downloads_package ON token_downloads (package_id);
