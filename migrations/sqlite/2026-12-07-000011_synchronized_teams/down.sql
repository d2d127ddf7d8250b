ALTER TABLE credentials DROP COLUMN identity_id;
ALTER TABLE memberships DROP COLUMN synchronization_id;
DROP INDEX teams_synchronized;
ALTER TABLE teams DROP COLUMN external_key;
ALTER TABLE teams DROP COLUMN synchronization_id;
ALTER TABLE synchronizations DROP COLUMN login_provider;
