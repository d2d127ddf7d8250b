DROP TABLE hook_deliveries;
DROP INDEX packages_repository_key;
ALTER TABLE packages DROP COLUMN repository_key;
