-- Vendor distribution: customers with their own Composer repository, the packages and
-- vendor bundles granted to them with version limits, Magento legacy keys, and install
-- statistics per customer.

CREATE TABLE customers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The customer's repository lives at /<organization>/customers/<url_name>/.
    url_name TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- Without it the metadata carries dists only, never the source repository.
    access_to_version_control_source BOOLEAN NOT NULL DEFAULT FALSE,
    -- dev, alpha, beta, rc or stable; NULL = no floor.
    minimum_accessible_stability TEXT,
    -- Every current and future package of the organization.
    assign_all_packages BOOLEAN NOT NULL DEFAULT FALSE,
    token_prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    last_used_at TIMESTAMP,
    -- When what the customer may see last changed (grants, bundles, settings): part of
    -- the Last-Modified of their metadata, so a client revalidating sees the change.
    access_changed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, url_name)
);

CREATE TABLE customer_packages (
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version_constraint TEXT,
    -- Only versions released on or before this moment.
    expiration_date TIMESTAMP,
    minimum_accessible_stability TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (customer_id, package_id)
);
CREATE INDEX customer_packages_package ON customer_packages (package_id);

CREATE TABLE vendor_bundles (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- Defaults for the bundle's packages that set no limit of their own.
    version_constraint TEXT,
    minimum_accessible_stability TEXT,
    assign_all_packages BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE vendor_bundle_packages (
    vendor_bundle_id BIGINT NOT NULL REFERENCES vendor_bundles (id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version_constraint TEXT,
    minimum_accessible_stability TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (vendor_bundle_id, package_id)
);
CREATE INDEX vendor_bundle_packages_package ON vendor_bundle_packages (package_id);

CREATE TABLE customer_vendor_bundles (
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    vendor_bundle_id BIGINT NOT NULL REFERENCES vendor_bundles (id) ON DELETE CASCADE,
    expiration_date TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (customer_id, vendor_bundle_id)
);
CREATE INDEX customer_vendor_bundles_bundle ON customer_vendor_bundles (vendor_bundle_id);

-- Magento 1 style credentials: the public key is the HTTP Basic username and the private
-- key the password, on that customer's repository only.
CREATE TABLE magento_legacy_keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    private_key_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (customer_id, public_key)
);

-- Installs reported by a customer's Composer (package_downloads keeps the totals).
CREATE TABLE customer_downloads (
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    package_id BIGINT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version_normalized TEXT NOT NULL,
    day TEXT NOT NULL,
    downloads BIGINT NOT NULL,
    PRIMARY KEY (customer_id, package_id, version_normalized, day)
);
CREATE INDEX customer_downloads_package ON customer_downloads (package_id);
