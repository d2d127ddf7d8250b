ALTER TABLE packages DROP COLUMN synchronization_id;
DROP TABLE synchronizations;
