DROP TABLE customer_downloads;
DROP TABLE magento_legacy_keys;
DROP TABLE customer_vendor_bundles;
DROP TABLE vendor_bundle_packages;
DROP TABLE vendor_bundles;
DROP TABLE customer_packages;
DROP TABLE customers;
