-- One row per archive content in an organization: uploading the same zip again returns
-- the stored artifact. Earlier duplicates collapse onto the row a package uses, else
-- onto the oldest; they share one stored file (it is keyed by the SHA-1), and no
-- package can hold two of them (they are the same version), so nothing is lost.
DELETE FROM artifacts
WHERE EXISTS (
    SELECT 1 FROM artifacts AS kept
    WHERE kept.organization_id = artifacts.organization_id
      AND kept.sha1 = artifacts.sha1
      AND kept.id <> artifacts.id
      AND (
          (kept.package_id IS NOT NULL AND artifacts.package_id IS NULL)
          OR ((kept.package_id IS NULL) = (artifacts.package_id IS NULL) AND kept.id < artifacts.id)
      )
);
CREATE UNIQUE INDEX artifacts_content ON artifacts (organization_id, sha1);
