DROP TABLE vendor_bundle_synchronizations;
ALTER TABLE packages DROP COLUMN synchronization_id;
DROP TABLE synchronizations;
