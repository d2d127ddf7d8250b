//! Customers, their package grants, vendor bundles and Magento legacy keys as a vendor
//! manages them (who may do what is in authorization.rs; what a customer's Composer gets
//! is in composer/customers.rs).

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::{Client, TestApp};

both_backends!(
    customers_are_created_edited_and_removed,
    package_grants_carry_validated_limits,
    vendor_bundles_hold_packages_and_reach_customers,
    magento_legacy_keys_keep_only_a_hash,
    download_series_cover_every_day,
);

fn definition(name: &str) -> String {
    json!({ "name": name, "version": "1.0.0", "dist": { "type": "zip", "url": "https://example.com/p.zip" } })
        .to_string()
}

/// An organization `acme` with the custom packages given; its owner.
async fn vendor(app: &TestApp, packages: &[&str]) -> Client {
    let owner = app.user("olivia").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    for name in packages {
        let job = owner
            .graphql(
                "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
                json!({ "d": definition(name) }),
            )
            .await
            .data()["createCustomPackage"]["id"]
            .clone();
        assert_eq!(app.wait_for_job(&owner, &job).await["status"], "SUCCESS");
    }
    owner
}

async fn create_customer(owner: &Client, name: &str) -> (String, String) {
    let created = owner
        .graphql(
            "mutation($n: String!) { createCustomer(organization: \"acme\", name: $n) { token customer { id } } }",
            json!({ "n": name }),
        )
        .await
        .data()["createCustomer"]
        .clone();
    (
        created["customer"]["id"].as_str().unwrap().to_owned(),
        created["token"].as_str().unwrap().to_owned(),
    )
}

async fn customers_are_created_edited_and_removed(app: TestApp) {
    let owner = vendor(&app, &[]).await;
    let created = owner
        .graphql(
            "mutation { createCustomer(organization: \"acme\", name: \"Globex Corp.\", minimumAccessibleStability: \"RC\", accessToVersionControlSource: true) {
                token
                customer { id name urlName enabled minimumAccessibleStability accessToVersionControlSource assignAllPackages tokenPrefix lastUsed
                           composerRepository { url authJson } }
            } }",
            json!({}),
        )
        .await
        .data()["createCustomer"]
        .clone();
    let customer = &created["customer"];
    let token = created["token"].as_str().unwrap();
    assert!(token.starts_with("pyc_"), "{token}");
    assert!(token.starts_with(customer["tokenPrefix"].as_str().unwrap()));
    assert_eq!(customer["urlName"], "globex-corp");
    assert_eq!(customer["enabled"], true);
    assert_eq!(customer["minimumAccessibleStability"], "rc");
    assert_eq!(customer["assignAllPackages"], false);
    assert_eq!(customer["lastUsed"], Value::Null);
    assert!(
        customer["composerRepository"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/acme/customers/globex-corp"),
        "{customer}"
    );
    assert!(
        customer["composerRepository"]["authJson"]
            .as_str()
            .unwrap()
            .contains("\"username\": \"token\"")
    );
    let id = customer["id"].as_str().unwrap().to_owned();

    // The URL name is unique in the organization, and validated.
    let taken = owner
        .graphql(
            "mutation { createCustomer(organization: \"acme\", name: \"Other\", urlName: \"globex-corp\") { token } }",
            json!({}),
        )
        .await;
    assert_eq!(taken.error_code(), "CONFLICT");
    assert_eq!(taken.error_field(), Some("urlName"));
    let stability = owner
        .graphql(
            "mutation { createCustomer(organization: \"acme\", name: \"Other\", minimumAccessibleStability: \"gamma\") { token } }",
            json!({}),
        )
        .await;
    assert_eq!(stability.error_code(), "BAD_USER_INPUT");
    assert_eq!(stability.error_field(), Some("minimumAccessibleStability"));

    // Edit changes what is given; null clears the stability floor.
    let edited = owner
        .graphql(
            "mutation($id: ID!) { editCustomer(id: $id, name: \"Globex\", minimumAccessibleStability: null, assignAllPackages: true) { name urlName minimumAccessibleStability assignAllPackages accessToVersionControlSource } }",
            json!({ "id": id }),
        )
        .await
        .data()["editCustomer"]
        .clone();
    assert_eq!(
        edited,
        json!({ "name": "Globex", "urlName": "globex-corp", "minimumAccessibleStability": null, "assignAllPackages": true, "accessToVersionControlSource": true })
    );

    let disabled = owner
        .graphql(
            "mutation($id: ID!) { disableCustomer(id: $id) { enabled } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(disabled.data()["disableCustomer"]["enabled"], false);
    let enabled = owner
        .graphql(
            "mutation($id: ID!) { enableCustomer(id: $id) { enabled } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(enabled.data()["enableCustomer"]["enabled"], true);

    // A new token only when the caller confirms that the old one stops working.
    let unconfirmed = owner
        .graphql(
            "mutation($id: ID!) { regenerateCustomerToken(id: $id, iConfirmOldTokenWillStopWorkingImmediately: false) { token } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(unconfirmed.error_code(), "BAD_USER_INPUT");
    let regenerated = owner
        .graphql(
            "mutation($id: ID!) { regenerateCustomerToken(id: $id, iConfirmOldTokenWillStopWorkingImmediately: true) { token } }",
            json!({ "id": id }),
        )
        .await
        .data()["regenerateCustomerToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(regenerated, token);

    // Found by id and by URL name; listed; removed.
    for key in [id.as_str(), "globex-corp"] {
        let found = owner
            .graphql(
                "query($k: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $k) { id } } }",
                json!({ "k": key }),
            )
            .await;
        assert_eq!(found.data()["organization"]["customer"]["id"], id.as_str());
    }
    create_customer(&owner, "Initech").await;
    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { customers(first: 1) { totalCount nodes { name } pageInfo { hasNextPage } } } }",
            json!({}),
        )
        .await
        .data()["organization"]["customers"]
        .clone();
    assert_eq!(listed["totalCount"], 2);
    assert_eq!(listed["nodes"], json!([{ "name": "Globex" }]));
    assert_eq!(listed["pageInfo"]["hasNextPage"], true);
    owner
        .graphql(
            "mutation($id: ID!) { removeCustomer(id: $id) }",
            json!({ "id": id }),
        )
        .await
        .data();
    let gone = owner
        .graphql(
            "query($k: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $k) { id } } }",
            json!({ "k": id }),
        )
        .await;
    assert_eq!(gone.error_code(), "NOT_FOUND");
}

async fn package_grants_carry_validated_limits(app: TestApp) {
    let owner = vendor(&app, &["acme/lib", "acme/tool"]).await;
    let (id, _) = create_customer(&owner, "Globex").await;
    let granted = owner
        .graphql(
            "mutation($id: ID!) { addOrEditCustomerPackages(customerId: $id, packages: [
                { name: \"acme/lib\", versionConstraint: \"^1.0 | ^2.0\", expirationDate: \"2026-06-30T00:00:00Z\", minimumAccessibleStability: \"beta\" },
                { name: \"ACME/Tool\" }
            ]) { name versionConstraint expirationDate minimumAccessibleStability } }",
            json!({ "id": id }),
        )
        .await
        .data()["addOrEditCustomerPackages"]
        .clone();
    assert_eq!(
        granted,
        json!([
            { "name": "acme/lib", "versionConstraint": "^1.0 | ^2.0", "expirationDate": "2026-06-30T00:00:00+00:00", "minimumAccessibleStability": "beta" },
            { "name": "acme/tool", "versionConstraint": null, "expirationDate": null, "minimumAccessibleStability": null },
        ])
    );
    // The same package again replaces its limits.
    owner
        .graphql(
            "mutation($id: ID!) { addOrEditCustomerPackages(customerId: $id, packages: [{ name: \"acme/lib\", versionConstraint: \"~1.2\" }]) { name } }",
            json!({ "id": id }),
        )
        .await
        .data();
    let packages = owner
        .graphql(
            "query($id: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $id) { packages { name versionConstraint expirationDate versions { version versionNormalized } } } } }",
            json!({ "id": id }),
        )
        .await
        .data()["organization"]["customer"]["packages"]
        .clone();
    // Each package has 1.0.0 only: outside ~1.2, inside "no limit".
    assert_eq!(
        packages,
        json!([
            { "name": "acme/lib", "versionConstraint": "~1.2", "expirationDate": null, "versions": [] },
            { "name": "acme/tool", "versionConstraint": null, "expirationDate": null,
              "versions": [{ "version": "1.0.0", "versionNormalized": "1.0.0.0" }] },
        ])
    );
    let on_package = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { customers { customer { name } versionConstraint } } } }",
            json!({}),
        )
        .await
        .data()["organization"]["package"]["customers"]
        .clone();
    assert_eq!(
        on_package,
        json!([{ "customer": { "name": "Globex" }, "versionConstraint": "~1.2" }])
    );

    // Nothing is stored from a list with one bad item.
    for (item, field) in [
        (
            json!({ "name": "acme/lib", "versionConstraint": "~>1.0" }),
            "versionConstraint",
        ),
        (
            json!({ "name": "acme/lib", "minimumAccessibleStability": "gamma" }),
            "minimumAccessibleStability",
        ),
        (json!({ "name": "acme/nope" }), "packages"),
    ] {
        let refused = owner
            .graphql(
                "mutation($id: ID!, $p: [CustomerPackageInput!]!) { addOrEditCustomerPackages(customerId: $id, packages: $p) { name } }",
                json!({ "id": id, "p": [{ "name": "acme/tool", "versionConstraint": "^9.0" }, item] }),
            )
            .await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{item}");
        assert_eq!(refused.error_field(), Some(field), "{item}");
    }
    let tool = owner
        .graphql(
            "query($id: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $id) { packages { name versionConstraint } } } }",
            json!({ "id": id }),
        )
        .await
        .data()["organization"]["customer"]["packages"][1]
        .clone();
    assert_eq!(
        tool,
        json!({ "name": "acme/tool", "versionConstraint": null })
    );

    owner
        .graphql(
            "mutation($id: ID!) { removeCustomerPackage(customerId: $id, packageName: \"acme/tool\") { id } }",
            json!({ "id": id }),
        )
        .await
        .data();
    let again = owner
        .graphql(
            "mutation($id: ID!) { removeCustomerPackage(customerId: $id, packageName: \"acme/tool\") { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(again.error_code(), "BAD_USER_INPUT");
}

async fn vendor_bundles_hold_packages_and_reach_customers(app: TestApp) {
    let owner = vendor(&app, &["acme/lib", "acme/tool"]).await;
    let bundle = owner
        .graphql(
            "mutation { createVendorBundle(organization: \"acme\", name: \"Pro\", versionConstraint: \"^1.0\", minimumAccessibleStability: \"stable\") { id name versionConstraint minimumAccessibleStability assignAllPackages } }",
            json!({}),
        )
        .await
        .data()["createVendorBundle"]
        .clone();
    assert_eq!(bundle["versionConstraint"], "^1.0");
    let bundle_id = bundle["id"].as_str().unwrap().to_owned();
    let duplicate = owner
        .graphql(
            "mutation { createVendorBundle(organization: \"acme\", name: \"Pro\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(duplicate.error_code(), "CONFLICT");
    let synchronized = owner
        .graphql(
            "mutation { createVendorBundle(organization: \"acme\", name: \"Synced\", synchronizationIds: [\"7\"]) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(synchronized.error_code(), "BAD_USER_INPUT");
    assert_eq!(synchronized.error_field(), Some("synchronizationIds"));

    let added = owner
        .graphql(
            "mutation($b: ID!) { addOrEditVendorBundlePackages(vendorBundleId: $b, packages: [{ name: \"acme/lib\" }, { name: \"acme/tool\", versionConstraint: \"^2.0\" }]) { name versionConstraint } }",
            json!({ "b": bundle_id }),
        )
        .await
        .data()["addOrEditVendorBundlePackages"]
        .clone();
    assert_eq!(
        added,
        json!([{ "name": "acme/lib", "versionConstraint": null }, { "name": "acme/tool", "versionConstraint": "^2.0" }])
    );
    let edited = owner
        .graphql(
            "mutation($b: ID!) { editVendorBundle(id: $b, versionConstraint: null, assignAllPackages: true) { versionConstraint minimumAccessibleStability assignAllPackages } }",
            json!({ "b": bundle_id }),
        )
        .await
        .data()["editVendorBundle"]
        .clone();
    assert_eq!(
        edited,
        json!({ "versionConstraint": null, "minimumAccessibleStability": "stable", "assignAllPackages": true })
    );

    let (customer, _) = create_customer(&owner, "Globex").await;
    let given = owner
        .graphql(
            "mutation($c: ID!, $b: ID!) { addOrEditCustomerVendorBundle(customerId: $c, vendorBundleId: $b, expirationDate: \"2027-01-01T00:00:00Z\") { expirationDate vendorBundle { name } } }",
            json!({ "c": customer, "b": bundle_id }),
        )
        .await
        .data()["addOrEditCustomerVendorBundle"]
        .clone();
    assert_eq!(
        given,
        json!({ "expirationDate": "2027-01-01T00:00:00+00:00", "vendorBundle": { "name": "Pro" } })
    );
    let listed = owner
        .graphql(
            "query($c: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $c) { vendorBundles { expirationDate vendorBundle { id packages { name } } } } } }",
            json!({ "c": customer }),
        )
        .await
        .data()["organization"]["customer"]["vendorBundles"]
        .clone();
    assert_eq!(listed[0]["vendorBundle"]["id"], bundle_id.as_str());
    assert_eq!(
        listed[0]["vendorBundle"]["packages"],
        json!([{ "name": "acme/lib" }, { "name": "acme/tool" }])
    );

    owner
        .graphql(
            "mutation($b: ID!) { removeVendorBundlePackage(vendorBundleId: $b, packageName: \"acme/tool\") { id } }",
            json!({ "b": bundle_id }),
        )
        .await
        .data();
    owner
        .graphql(
            "mutation($c: ID!, $b: ID!) { removeCustomerVendorBundle(customerId: $c, vendorBundleId: $b) { id } }",
            json!({ "c": customer, "b": bundle_id }),
        )
        .await
        .data();
    let none = owner
        .graphql(
            "query($c: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $c) { vendorBundles { expirationDate } } } }",
            json!({ "c": customer }),
        )
        .await;
    assert_eq!(
        none.data()["organization"]["customer"]["vendorBundles"],
        json!([])
    );
    owner
        .graphql(
            "mutation($b: ID!) { removeVendorBundle(id: $b) }",
            json!({ "b": bundle_id }),
        )
        .await
        .data();
    let bundles = owner
        .graphql(
            "{ organization(urlName: \"acme\") { vendorBundles { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(bundles.data()["organization"]["vendorBundles"], json!([]));
}

async fn magento_legacy_keys_keep_only_a_hash(app: TestApp) {
    let owner = vendor(&app, &[]).await;
    let (customer, _) = create_customer(&owner, "Globex").await;
    let created = owner
        .graphql(
            "mutation($c: ID!) { createMagentoLegacyKey(customerId: $c, publicKey: \"globex-public\", privateKey: \"s3cret-private\") { publicKey } }",
            json!({ "c": customer }),
        )
        .await
        .data()["createMagentoLegacyKey"]
        .clone();
    assert_eq!(created, json!({ "publicKey": "globex-public" }));
    let duplicate = owner
        .graphql(
            "mutation($c: ID!) { createMagentoLegacyKey(customerId: $c, publicKey: \"globex-public\", privateKey: \"another-one\") { publicKey } }",
            json!({ "c": customer }),
        )
        .await;
    assert_eq!(duplicate.error_code(), "CONFLICT");
    let short = owner
        .graphql(
            "mutation($c: ID!) { createMagentoLegacyKey(customerId: $c, publicKey: \"k\", privateKey: \"short\") { publicKey } }",
            json!({ "c": customer }),
        )
        .await;
    assert_eq!(short.error_field(), Some("privateKey"));
    // The schema has no field that could return a private key.
    let introspected = owner
        .graphql(
            "{ __type(name: \"MagentoLegacyKey\") { fields { name } } }",
            json!({}),
        )
        .await
        .data()["__type"]["fields"]
        .clone();
    assert!(!introspected.to_string().contains("privateKey"));
    owner
        .graphql(
            "mutation($c: ID!) { removeMagentoLegacyKey(customerId: $c, publicKey: \"globex-public\") { id } }",
            json!({ "c": customer }),
        )
        .await
        .data();
    let listed = owner
        .graphql(
            "query($c: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $c) { magentoLegacyKeys { publicKey } } } }",
            json!({ "c": customer }),
        )
        .await;
    assert_eq!(
        listed.data()["organization"]["customer"]["magentoLegacyKeys"],
        json!([])
    );
}

async fn download_series_cover_every_day(app: TestApp) {
    let owner = vendor(&app, &["acme/lib"]).await;
    let (customer, _) = create_customer(&owner, "Globex").await;
    let series = owner
        .graphql(
            "query($c: String!) { organization(urlName: \"acme\") {
                customer(idOrUrlName: $c) { downloads(days: 7) { total days { day downloads } } }
                package(name: \"acme/lib\") { downloads(days: 3) { total days { downloads } } }
            } }",
            json!({ "c": customer }),
        )
        .await
        .data()["organization"]
        .clone();
    let days = series["customer"]["downloads"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!(
        days.last().unwrap()["day"],
        chrono::Utc::now().date_naive().to_string()
    );
    assert_eq!(series["customer"]["downloads"]["total"], 0);
    assert_eq!(
        series["package"]["downloads"],
        json!({ "total": 0, "days": [{ "downloads": 0 }, { "downloads": 0 }, { "downloads": 0 }] })
    );
    let too_long = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { downloads(days: 400) { total } } } }",
            json!({}),
        )
        .await;
    assert_eq!(too_long.error_code(), "BAD_USER_INPUT");
}
