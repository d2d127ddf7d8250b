ALTER TABLE jobs DROP COLUMN log;
DROP TABLE package_downloads;
DROP TABLE organization_tokens;
DROP TABLE composer_documents;
DROP TABLE package_requirements;
DROP TABLE package_versions;
DROP TABLE packages;
DROP TABLE credentials;
