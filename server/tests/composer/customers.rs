//! A vendor customer's repository, `/{org}/customers/{customer}/`: what each customer
//! sees of a package through their grants, who gets in, and what a change does.
//!
//! Customers, grants and bundles are set up through the vendor's GraphQL API, so the
//! tests also cover what its writes do to a customer's cached repository.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use packyard::composer::metadata::expand;
use packyard::db::schema::{customer_downloads, package_downloads, packages};
use packyard::db_run;
use reqwest::StatusCode;
use serde_json::{Map, Value, json};

use crate::both_backends;
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Client, TestApp};

both_backends!(
    each_customer_sees_the_versions_their_grants_admit,
    dists_outside_the_grants_are_not_served,
    credentials_of_a_customer,
    a_grant_change_is_visible_at_once,
    installs_are_counted_per_customer,
);

/// Organization `acme` with acme/lib and acme/other, read from git repositories.
struct Vendor {
    app: TestApp,
    owner: Client,
    org_token: String,
    /// Commit dates of acme/lib's tags, by tag.
    released: Map<String, Value>,
    _dir: tempfile::TempDir,
}

/// acme/lib: v1.0.0, v1.1.0, 2.0.0-alpha1, 2.0.0-beta1, v2.0.0 one hour apart; branch
/// 1.x at v1.1.0, main (the default) at v2.0.0.
fn library(dir: &std::path::Path) -> GitRepo {
    let repo = GitRepo::init(&dir.join("lib"), "main");
    repo.commit(
        &[
            (
                "composer.json",
                &library_manifest("acme/lib", "Acme\\Lib", &[]),
            ),
            ("src/Lib.php", "<?php\nnamespace Acme\\Lib;\nclass Lib {}\n"),
        ],
        "1.0",
    );
    repo.tag("v1.0.0");
    repo.commit(&[("CHANGES", "1.1\n")], "1.1");
    repo.tag("v1.1.0");
    repo.branch("1.x");
    for tag in ["2.0.0-alpha1", "2.0.0-beta1", "v2.0.0"] {
        repo.commit(&[("CHANGES", tag)], tag);
        repo.tag(tag);
    }
    repo
}

impl Vendor {
    async fn start(app: TestApp) -> Vendor {
        let dir = tempfile::tempdir().unwrap();
        let owner = app.user("owner").await;
        let org_token = app.organization_with_token(&owner, "acme").await;
        let lib = library(dir.path());
        let other = GitRepo::init(&dir.path().join("other"), "main");
        other.commit(
            &[(
                "composer.json",
                &library_manifest("acme/other", "Acme\\Other", &[]),
            )],
            "1.0",
        );
        other.tag("v1.0.0");
        for repo in [&lib, &other] {
            let job = owner
                .graphql(
                    "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
                    json!({ "u": repo.url() }),
                )
                .await
                .data()["createVcsPackage"]["id"]
                .clone();
            assert_eq!(app.wait_for_job(&owner, &job).await["status"], "SUCCESS");
        }
        let mut vendor = Vendor {
            app,
            owner,
            org_token,
            released: Map::new(),
            _dir: dir,
        };
        let stored = vendor
            .versions("/acme/p2/acme/lib.json", &vendor.org_token.clone())
            .await;
        for version in stored {
            vendor.released.insert(
                version["version"].as_str().unwrap().into(),
                version["time"].clone(),
            );
        }
        vendor
    }

    fn released(&self, tag: &str) -> NaiveDateTime {
        let time = self.released[tag].as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(time)
            .unwrap()
            .naive_utc()
    }

    async fn get(&self, path: &str, user: &str, password: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}{path}", self.app.base_url))
            .basic_auth(user, Some(password))
            .send()
            .await
            .unwrap()
    }

    /// The expanded versions of a p2 file, which must be served.
    async fn versions(&self, path: &str, token: &str) -> Vec<Map<String, Value>> {
        let response = self.get(path, "token", token).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let document: Value = response.json().await.unwrap();
        let name = path
            .rsplit_once("/p2/")
            .unwrap()
            .1
            .trim_end_matches(".json")
            .trim_end_matches("~dev");
        expand(document["packages"][name].as_array().unwrap())
    }

    async fn version_names(&self, path: &str, token: &str) -> Vec<String> {
        self.versions(path, token)
            .await
            .iter()
            .map(|version| version["version"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn package_id(&self, name: &str) -> i64 {
        let mut conn = self.app.state.db.get().await.unwrap();
        db_run!(conn: {
            packages::table
                .filter(packages::name.eq(name))
                .select(packages::id)
                .first(conn)
                .await
                .unwrap()
        })
    }

    /// A GraphQL request of the owner, which must succeed; returns `data`.
    async fn api(&self, query: &str, variables: Value) -> Value {
        self.owner.graphql(query, variables).await.data().clone()
    }

    /// A customer (its id) and their token.
    async fn customer(&self, url_name: &str, source: bool) -> (String, String) {
        let created = self
            .api(
                "mutation($n: String!, $s: Boolean!) { createCustomer(organization: \"acme\", name: $n, urlName: $n, accessToVersionControlSource: $s) { token customer { id } } }",
                json!({ "n": url_name, "s": source }),
            )
            .await;
        let created = &created["createCustomer"];
        (
            created["customer"]["id"].as_str().unwrap().to_owned(),
            created["token"].as_str().unwrap().to_owned(),
        )
    }

    async fn grant(
        &self,
        customer: &str,
        package: &str,
        constraint: Option<&str>,
        expiration: Option<NaiveDateTime>,
        stability: Option<&str>,
    ) {
        self.api(
            "mutation($c: ID!, $p: [CustomerPackageInput!]!) { addOrEditCustomerPackages(customerId: $c, packages: $p) { name } }",
            json!({ "c": customer, "p": [{
                "name": package,
                "versionConstraint": constraint,
                "expirationDate": expiration.map(rfc3339),
                "minimumAccessibleStability": stability,
            }] }),
        )
        .await;
    }

    async fn revoke(&self, customer: &str, package: &str) {
        self.api(
            "mutation($c: ID!, $p: String!) { removeCustomerPackage(customerId: $c, packageName: $p) { id } }",
            json!({ "c": customer, "p": package }),
        )
        .await;
    }

    /// A bundle with these defaults and packages (without limits of their own), given
    /// to the customer until `expiration`.
    async fn bundle(
        &self,
        customer: &str,
        name: &str,
        constraint: Option<&str>,
        stability: Option<&str>,
        packages: &[&str],
        expiration: Option<NaiveDateTime>,
    ) {
        let bundle = self
            .api(
                "mutation($n: String!, $c: String, $s: String) { createVendorBundle(organization: \"acme\", name: $n, versionConstraint: $c, minimumAccessibleStability: $s) { id } }",
                json!({ "n": name, "c": constraint, "s": stability }),
            )
            .await["createVendorBundle"]["id"]
            .clone();
        let packages: Vec<Value> = packages
            .iter()
            .map(|name| json!({ "name": name }))
            .collect();
        self.api(
            "mutation($b: ID!, $p: [VendorBundlePackageInput!]!) { addOrEditVendorBundlePackages(vendorBundleId: $b, packages: $p) { name } }",
            json!({ "b": bundle, "p": packages }),
        )
        .await;
        self.api(
            "mutation($c: ID!, $b: ID!, $e: DateTime) { addOrEditCustomerVendorBundle(customerId: $c, vendorBundleId: $b, expirationDate: $e) { expirationDate } }",
            json!({ "c": customer, "b": bundle, "e": expiration.map(rfc3339) }),
        )
        .await;
    }

    async fn set_enabled(&self, customer: &str, enabled: bool) {
        let mutation = if enabled {
            "mutation($c: ID!) { enableCustomer(id: $c) { enabled } }"
        } else {
            "mutation($c: ID!) { disableCustomer(id: $c) { enabled } }"
        };
        self.api(mutation, json!({ "c": customer })).await;
    }

    async fn regenerate_token(&self, customer: &str) -> String {
        self.api(
            "mutation($c: ID!) { regenerateCustomerToken(id: $c, iConfirmOldTokenWillStopWorkingImmediately: true) { token } }",
            json!({ "c": customer }),
        )
        .await["regenerateCustomerToken"]["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn magento_key(&self, customer: &str, public_key: &str, private_key: &str) {
        self.api(
            "mutation($c: ID!, $u: String!, $p: String!) { createMagentoLegacyKey(customerId: $c, publicKey: $u, privateKey: $p) { publicKey } }",
            json!({ "c": customer, "u": public_key, "p": private_key }),
        )
        .await;
    }

    /// A field of `organization.customer`.
    async fn customer_field(&self, customer: &str, selection: &str) -> Value {
        self.api(
            &format!("query($c: String!) {{ organization(urlName: \"acme\") {{ customer(idOrUrlName: $c) {{ {selection} }} }} }}"),
            json!({ "c": customer }),
        )
        .await["organization"]["customer"]
            .clone()
    }
}

fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339()
}

fn between(a: NaiveDateTime, b: NaiveDateTime) -> NaiveDateTime {
    a + (b - a) / 2
}

async fn each_customer_sees_the_versions_their_grants_admit(app: TestApp) {
    let vendor = Vendor::start(app).await;
    let base = &vendor.app.base_url;

    // ^1.0: the 1.x releases and the 1.x branch; not the default branch, whose alias
    // (9999999-dev) is above ^1.0.
    let (shop, shop_token) = vendor.customer("shop", false).await;
    vendor
        .grant(&shop, "acme/lib", Some("^1.0"), None, None)
        .await;
    let root = vendor
        .get("/acme/customers/shop/packages.json", "token", &shop_token)
        .await;
    assert_eq!(root.status(), StatusCode::OK);
    let root: Value = root.json().await.unwrap();
    assert_eq!(
        root,
        json!({
            "packages": [],
            "metadata-url": "/acme/customers/shop/p2/%package%.json",
            "notify-batch": format!("{base}/acme/customers/shop/downloads/"),
            "available-packages": ["acme/lib"],
        })
    );
    assert_eq!(
        vendor
            .version_names("/acme/customers/shop/p2/acme/lib.json", &shop_token)
            .await,
        ["v1.1.0", "v1.0.0"]
    );
    let dev = vendor
        .versions("/acme/customers/shop/p2/acme/lib~dev.json", &shop_token)
        .await;
    assert_eq!(dev.len(), 1);
    assert_eq!(dev[0]["version"], "1.x-dev");
    // Dists only, from the customer's own repository.
    for version in vendor
        .versions("/acme/customers/shop/p2/acme/lib.json", &shop_token)
        .await
        .iter()
        .chain(&dev)
    {
        assert!(!version.contains_key("source"), "{version:?}");
        let reference = version["dist"]["reference"].as_str().unwrap();
        assert_eq!(
            version["dist"]["url"],
            format!("{base}/acme/customers/shop/dists/acme/lib/{reference}.zip")
        );
    }
    for hidden in [
        "/acme/customers/shop/p2/acme/other.json",
        "/acme/customers/shop/p2/acme/other~dev.json",
        "/acme/customers/shop/p2/acme/missing.json",
    ] {
        let response = vendor.get(hidden, "token", &shop_token).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{hidden}");
    }

    // A union: ^1.0 until just after v1.0.0, and a bundle of 2.x from beta on.
    let (pro, pro_token) = vendor.customer("pro", true).await;
    let cutoff = between(vendor.released("v1.0.0"), vendor.released("v1.1.0"));
    vendor
        .grant(&pro, "acme/lib", Some("^1.0"), Some(cutoff), None)
        .await;
    vendor
        .bundle(
            &pro,
            "Pro",
            Some("^2.0"),
            Some("beta"),
            &["acme/lib", "acme/other"],
            None,
        )
        .await;
    let root: Value = vendor
        .get("/acme/customers/pro/packages.json", "token", &pro_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        root["available-packages"],
        json!(["acme/lib", "acme/other"])
    );
    let pro_versions = vendor
        .versions("/acme/customers/pro/p2/acme/lib.json", &pro_token)
        .await;
    let names: Vec<&str> = pro_versions
        .iter()
        .map(|version| version["version"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["v2.0.0", "2.0.0-beta1", "v1.0.0"]);
    // With access to version control, the source stays.
    assert_eq!(pro_versions[0]["source"]["type"], "git");
    // acme/other has only 1.0.0, outside ^2.0: listed, but without versions.
    assert!(
        vendor
            .versions("/acme/customers/pro/p2/acme/other.json", &pro_token)
            .await
            .is_empty()
    );
    // No dev version is beta or better.
    assert!(
        vendor
            .versions("/acme/customers/pro/p2/acme/lib~dev.json", &pro_token)
            .await
            .is_empty()
    );

    // A bundle that expired between 2.0.0-alpha1 and 2.0.0-beta1 keeps what was
    // released before it.
    let (late, late_token) = vendor.customer("late", false).await;
    let before_beta = between(
        vendor.released("2.0.0-alpha1"),
        vendor.released("2.0.0-beta1"),
    );
    vendor
        .bundle(
            &late,
            "Old",
            Some("^2.0"),
            Some("alpha"),
            &["acme/lib"],
            Some(before_beta),
        )
        .await;
    assert_eq!(
        vendor
            .version_names("/acme/customers/late/p2/acme/lib.json", &late_token)
            .await,
        ["2.0.0-alpha1"]
    );
}

async fn dists_outside_the_grants_are_not_served(app: TestApp) {
    let vendor = Vendor::start(app).await;
    let (shop, shop_token) = vendor.customer("shop", false).await;
    vendor
        .grant(&shop, "acme/lib", Some("^1.0"), None, None)
        .await;
    let (pro, pro_token) = vendor.customer("pro", false).await;
    vendor.grant(&pro, "acme/lib", None, None, None).await;
    vendor.grant(&pro, "acme/other", None, None, None).await;

    let stored = vendor
        .versions("/acme/p2/acme/lib.json", &vendor.org_token)
        .await;
    let reference = |tag: &str| -> String {
        stored
            .iter()
            .find(|version| version["version"] == tag)
            .unwrap()["dist"]["reference"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let organization_zip = vendor
        .get(
            &format!("/acme/dists/acme/lib/{}.zip", reference("v1.1.0")),
            "token",
            &vendor.org_token,
        )
        .await
        .bytes()
        .await
        .unwrap();
    let allowed = vendor
        .get(
            &format!(
                "/acme/customers/shop/dists/acme/lib/{}.zip",
                reference("v1.1.0")
            ),
            "token",
            &shop_token,
        )
        .await;
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(allowed.headers()["content-type"], "application/zip");
    assert_eq!(allowed.bytes().await.unwrap(), organization_zip);

    // v2.0.0 is real but not shop's: by guessing its reference, through another
    // customer's URL, or as the dev branch pointing at the same commit (main).
    let hidden = reference("v2.0.0");
    for (path, token) in [
        (
            format!("/acme/customers/shop/dists/acme/lib/{hidden}.zip"),
            &shop_token,
        ),
        (
            format!("/acme/customers/pro/dists/acme/lib/{hidden}.zip"),
            &shop_token,
        ),
        (
            format!("/acme/customers/shop/dists/acme/other/{hidden}.zip"),
            &shop_token,
        ),
        (
            "/acme/customers/shop/dists/acme/lib/0000.zip".to_owned(),
            &shop_token,
        ),
    ] {
        let status = vendor.get(&path, "token", token).await.status();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::UNAUTHORIZED,
            "{path}: {status}"
        );
    }
    assert_eq!(
        vendor
            .get(
                &format!("/acme/customers/shop/dists/acme/lib/{hidden}.zip"),
                "token",
                &shop_token
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // pro may have it.
    assert_eq!(
        vendor
            .get(
                &format!("/acme/customers/pro/dists/acme/lib/{hidden}.zip"),
                "token",
                &pro_token
            )
            .await
            .status(),
        StatusCode::OK
    );
}

async fn credentials_of_a_customer(app: TestApp) {
    let vendor = Vendor::start(app).await;
    let (shop, shop_token) = vendor.customer("shop", false).await;
    vendor.grant(&shop, "acme/lib", None, None, None).await;
    let (_, pro_token) = vendor.customer("pro", false).await;
    let root = "/acme/customers/shop/packages.json";

    let anonymous = reqwest::get(format!("{}{root}", vendor.app.base_url))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    let bearer = reqwest::Client::new()
        .get(format!("{}{root}", vendor.app.base_url))
        .bearer_auth(&shop_token)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::OK);
    assert_eq!(
        vendor.get(root, "anyone", &shop_token).await.status(),
        StatusCode::OK
    );
    // Another customer's token, the organization's, unknown names: all the same 401.
    let mut messages = Vec::new();
    for (path, token) in [
        (root, pro_token.as_str()),
        (root, vendor.org_token.as_str()),
        ("/acme/customers/nobody/packages.json", shop_token.as_str()),
        ("/nowhere/customers/shop/packages.json", shop_token.as_str()),
    ] {
        let response = vendor.get(path, "token", token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(response.headers().contains_key("www-authenticate"));
        let body: Value = response.json().await.unwrap();
        messages.push(body["message"].as_str().unwrap().to_owned());
    }
    messages.dedup();
    assert_eq!(messages.len(), 1, "{messages:?}");
    // The customer's token opens no other repository.
    assert_eq!(
        vendor
            .get("/acme/packages.json", "token", &shop_token)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Magento legacy keys: the pair, on that customer's repository only.
    vendor
        .magento_key(&shop, "public-key-1", "private-key-1")
        .await;
    assert_eq!(
        vendor
            .get(root, "public-key-1", "private-key-1")
            .await
            .status(),
        StatusCode::OK
    );
    for (user, password, path) in [
        ("public-key-1", "wrong", root),
        ("public-key-2", "private-key-1", root),
        (
            "public-key-1",
            "private-key-1",
            "/acme/customers/pro/packages.json",
        ),
    ] {
        assert_eq!(
            vendor.get(path, user, password).await.status(),
            StatusCode::UNAUTHORIZED,
            "{user}:{password} {path}"
        );
    }

    // Disabled: told so, with the right credentials only.
    vendor.set_enabled(&shop, false).await;
    let disabled = vendor.get(root, "token", &shop_token).await;
    assert_eq!(disabled.status(), StatusCode::UNAUTHORIZED);
    let body: Value = disabled.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
    let p2 = vendor
        .get(
            "/acme/customers/shop/p2/acme/lib.json",
            "token",
            &shop_token,
        )
        .await;
    assert_eq!(p2.status(), StatusCode::UNAUTHORIZED);
    let wrong: Value = vendor
        .get(root, "token", &pro_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(!wrong["message"].as_str().unwrap().contains("disabled"));

    // A new token: the old one stops working at once.
    vendor.set_enabled(&shop, true).await;
    let new_token = vendor.regenerate_token(&shop).await;
    assert_eq!(
        vendor.get(root, "token", &shop_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        vendor.get(root, "token", &new_token).await.status(),
        StatusCode::OK
    );

    // Use is recorded (in the background).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while vendor.customer_field(&shop, "lastUsed").await["lastUsed"].is_null() {
        assert!(std::time::Instant::now() < deadline, "lastUsed not written");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn a_grant_change_is_visible_at_once(app: TestApp) {
    let vendor = Vendor::start(app).await;
    let (shop, token) = vendor.customer("shop", false).await;
    vendor
        .grant(&shop, "acme/lib", Some("^1.0"), None, None)
        .await;
    let url = format!(
        "{}/acme/customers/shop/p2/acme/lib.json",
        vendor.app.base_url
    );
    let http = reqwest::Client::new();

    // The date is given once its second is over.
    let (last_modified, etag) = loop {
        let response = http
            .get(&url)
            .basic_auth("token", Some(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        if let Some(date) = response.headers().get("last-modified") {
            let etag = response.headers()["etag"].to_str().unwrap().to_owned();
            break (date.to_str().unwrap().to_owned(), etag);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let revalidate = |header: &'static str, value: String| {
        http.get(&url)
            .basic_auth("token", Some(&token))
            .header(header, value)
            .send()
    };
    assert_eq!(
        revalidate("if-modified-since", last_modified.clone())
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        revalidate("if-none-match", etag.clone())
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_MODIFIED
    );

    vendor
        .grant(&shop, "acme/lib", Some("^2.0"), None, Some("stable"))
        .await;
    let changed = revalidate("if-modified-since", last_modified.clone())
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let document: Value = changed.json().await.unwrap();
    let versions = expand(document["packages"]["acme/lib"].as_array().unwrap());
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["version"], "v2.0.0");
    assert_eq!(
        revalidate("if-none-match", etag).await.unwrap().status(),
        StatusCode::OK
    );

    // A grant taken away takes the package out of the root at once.
    vendor.revoke(&shop, "acme/lib").await;
    let root: Value = vendor
        .get("/acme/customers/shop/packages.json", "token", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(root["available-packages"], json!([]));
    assert_eq!(
        vendor
            .get("/acme/customers/shop/p2/acme/lib.json", "token", &token)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn installs_are_counted_per_customer(app: TestApp) {
    let vendor = Vendor::start(app).await;
    let (shop, token) = vendor.customer("shop", false).await;
    vendor
        .grant(&shop, "acme/lib", Some("^1.0"), None, None)
        .await;
    let notified = reqwest::Client::new()
        .post(format!(
            "{}/acme/customers/shop/downloads/",
            vendor.app.base_url
        ))
        .basic_auth("token", Some(&token))
        .json(&json!({ "downloads": [
            { "name": "acme/lib", "version": "1.1.0.0" },
            { "name": "acme/lib", "version": "1.1.0.0" },
            { "name": "acme/other", "version": "1.0.0.0" },
            { "name": "psr/log", "version": "1.0.0.0" },
        ] }))
        .send()
        .await
        .unwrap();
    assert_eq!(notified.status(), StatusCode::CREATED);
    let lib = vendor.package_id("acme/lib").await;
    let mut conn = vendor.app.state.db.get().await.unwrap();
    let (per_customer, totals) = db_run!(conn: {
        let per_customer: Vec<(i64, i64, String, i64)> = customer_downloads::table
            .select((
                customer_downloads::customer_id,
                customer_downloads::package_id,
                customer_downloads::version_normalized,
                customer_downloads::downloads,
            ))
            .load(conn)
            .await
            .unwrap();
        let totals: Vec<(i64, String, i64)> = package_downloads::table
            .select((
                package_downloads::package_id,
                package_downloads::version_normalized,
                package_downloads::downloads,
            ))
            .load(conn)
            .await
            .unwrap();
        (per_customer, totals)
    });
    let shop_id: i64 = shop.parse().unwrap();
    assert_eq!(per_customer, [(shop_id, lib, "1.1.0.0".to_owned(), 2)]);
    assert_eq!(totals, [(lib, "1.1.0.0".to_owned(), 2)]);
    drop(conn);
    assert_eq!(
        vendor
            .customer_field(&shop, "downloads(days: 1) { total }")
            .await["downloads"]["total"],
        2
    );
}
