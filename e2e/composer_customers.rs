//! Vendor customers through the real Composer client: each customer installs from their
//! own repository (`/acme/customers/<customer>/`) exactly the versions they bought, by
//! constraint, expiry and stability; a disabled customer and a replaced token get a
//! clean authentication failure; Magento key pairs install; installs are counted per
//! customer.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::composer::{
    Composer, graphql_ok, http_basic_auth, installed_version, php_says, wait_for_job, write_project,
};
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Server, database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_install_what_they_bought_sqlite() {
    customers_install_what_they_bought(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_install_what_they_bought_postgres() {
    customers_install_what_they_bought(true).await;
}

/// A running Packyard with organization `acme` and package acme/lib, driven by its first
/// admin (an owner).
struct Vendor {
    server: Server,
    admin: String,
    work: tempfile::TempDir,
    /// Release times of acme/lib's tags, as published.
    released: serde_json::Map<String, Value>,
    _data_dir: tempfile::TempDir,
}

/// acme/lib with tags v1.0.0, v1.1.0, 2.0.0-alpha1, 2.0.0-beta1 and v2.0.0, committed
/// an hour apart (the repository's clock sets `GIT_COMMITTER_DATE`), so that an expiry
/// date can fall between two releases.
fn library(dir: &std::path::Path) -> GitRepo {
    let repo = GitRepo::init(&dir.join("git/lib"), "main");
    for (index, tag) in ["v1.0.0", "v1.1.0", "2.0.0-alpha1", "2.0.0-beta1", "v2.0.0"]
        .into_iter()
        .enumerate()
    {
        let class = format!(
            "<?php\nnamespace Acme\\Lib;\nfinal class Hello {{ public static function version(): string {{ return '{tag}'; }} }}\n"
        );
        let mut files = vec![("src/Hello.php", class.as_str())];
        let manifest = library_manifest("acme/lib", "Acme\\Lib", &[("php", ">=8.1")]);
        if index == 0 {
            files.push(("composer.json", &manifest));
        }
        repo.commit(&files, tag);
        repo.tag(tag);
    }
    repo
}

impl Vendor {
    async fn start(postgres: bool) -> Option<Vendor> {
        let database_url = database(postgres).await?;
        let data_dir = tempfile::tempdir().unwrap();
        let server = Server::start(
            data_dir.path(),
            database_url.as_deref(),
            &[("PACKYARD_ALLOW_LOCAL_REPOSITORIES", "true")],
        )
        .await;
        let admin = server
            .admin_token(&server.first_admin_password().unwrap())
            .await;
        let mut vendor = Vendor {
            server,
            admin,
            work: tempfile::tempdir().unwrap(),
            released: serde_json::Map::new(),
            _data_dir: data_dir,
        };
        vendor
            .api(
                "mutation { createOrganization(name: \"Acme\") { id } }",
                json!({}),
            )
            .await;
        let repo = library(vendor.work.path());
        let job = vendor
            .api(
                "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
                json!({ "u": repo.url() }),
            )
            .await;
        wait_for_job(
            &vendor.server,
            &vendor.admin,
            job["createVcsPackage"]["id"].as_str().unwrap(),
        )
        .await;
        let token = vendor
            .api(
                "mutation { createToken(organization: \"acme\", description: \"dates\", access: READ) { secret } }",
                json!({}),
            )
            .await["createToken"]["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        let stored: Value = reqwest::Client::new()
            .get(format!("{}/acme/p2/acme/lib.json", vendor.server.base_url))
            .basic_auth("token", Some(&token))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // Every version carries its own time, so the minified entries all have it.
        for version in stored["packages"]["acme/lib"].as_array().unwrap() {
            vendor.released.insert(
                version["version"].as_str().unwrap().to_owned(),
                version["time"].clone(),
            );
        }
        Some(vendor)
    }

    async fn api(&self, query: &str, variables: Value) -> Value {
        graphql_ok(&self.server, &self.admin, query, variables).await
    }

    /// A customer of acme/lib within these limits: its id and token.
    async fn customer(
        &self,
        name: &str,
        constraint: Option<&str>,
        stability: Option<&str>,
        expiration: Option<&str>,
    ) -> (String, String) {
        let created = self
            .api(
                "mutation($n: String!) { createCustomer(organization: \"acme\", name: $n, urlName: $n) { token customer { id composerRepository { url } } } }",
                json!({ "n": name }),
            )
            .await;
        let created = &created["createCustomer"];
        assert_eq!(
            created["customer"]["composerRepository"]["url"],
            format!("{}/acme/customers/{name}", self.server.base_url)
        );
        let id = created["customer"]["id"].as_str().unwrap().to_owned();
        self.api(
            "mutation($c: ID!, $p: [CustomerPackageInput!]!) { addOrEditCustomerPackages(customerId: $c, packages: $p) { name } }",
            json!({ "c": id, "p": [{
                "name": "acme/lib",
                "versionConstraint": constraint,
                "minimumAccessibleStability": stability,
                "expirationDate": expiration,
            }] }),
        )
        .await;
        (id, created["token"].as_str().unwrap().to_owned())
    }

    /// A new project using only the customer's repository.
    fn project(&self, name: &str, customer: &str) -> PathBuf {
        let project = self.work.path().join("projects").join(name);
        write_project(
            &project,
            &format!("{}/acme/customers/{customer}", self.server.base_url),
        );
        project
    }

    fn composer<'a>(&self, project: &'a std::path::Path, token: &str) -> Composer<'a> {
        Composer::new(project, Some(http_basic_auth(&self.server, token)))
    }

    /// Halfway between two releases of acme/lib, RFC 3339.
    fn between(&self, before: &str, after: &str) -> String {
        let time = |tag: &str| {
            chrono::DateTime::parse_from_rfc3339(self.released[tag].as_str().unwrap()).unwrap()
        };
        let (before, after) = (time(before), time(after));
        (before + (after - before) / 2).to_rfc3339()
    }
}

fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn customers_install_what_they_bought(postgres: bool) {
    let Some(vendor) = Vendor::start(postgres).await else {
        return;
    };

    // ^1.0: the newest 1.x; 2.0 is not there to be had.
    let (one, one_token) = vendor.customer("one", Some("^1.0"), None, None).await;
    let project = vendor.project("one", "one");
    let composer = vendor.composer(&project, &one_token);
    composer.succeed(&["require", "acme/lib"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.1.0");
    assert_eq!(
        php_says(&project, "echo Acme\\Lib\\Hello::version();"),
        "v1.1.0"
    );
    let refused = composer.fail(&["require", "acme/lib:^2.0"]);
    assert!(
        squeezed(&refused).contains(&squeezed("Root composer.json requires acme/lib ^2.0")),
        "{refused}"
    );
    assert_eq!(installed_version(&project, "acme/lib"), "v1.1.0");

    // The install was reported to the customer's notify-batch.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = vendor
            .api(
                "query($c: String!) { organization(urlName: \"acme\") { customer(idOrUrlName: $c) { downloads(days: 1) { total } } } }",
                json!({ "c": one }),
            )
            .await;
        if seen["organization"]["customer"]["downloads"]["total"] == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no download recorded: {seen}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Expired between v1.0.0 and v1.1.0: only what was released before.
    let expiry = vendor.between("v1.0.0", "v1.1.0");
    let (_, expired_token) = vendor
        .customer("expired", Some("^1.0"), None, Some(&expiry))
        .await;
    let project = vendor.project("expired", "expired");
    let composer = vendor.composer(&project, &expired_token);
    composer.succeed(&["require", "acme/lib"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.0.0");
    composer.fail(&["require", "acme/lib:v1.1.0"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.0.0");

    // Beta or better: 2.0.0-beta1 yes, 2.0.0-alpha1 no.
    let (beta, beta_token) = vendor
        .customer("beta", Some("^2.0"), Some("beta"), None)
        .await;
    let project = vendor.project("beta", "beta");
    let composer = vendor.composer(&project, &beta_token);
    let refused = composer.fail(&["require", "acme/lib:2.0.0-alpha1"]);
    assert!(
        squeezed(&refused).contains(&squeezed("acme/lib 2.0.0-alpha1")),
        "{refused}"
    );
    composer.succeed(&["require", "acme/lib:2.0.0-beta1"]);
    assert_eq!(installed_version(&project, "acme/lib"), "2.0.0-beta1");
    assert_eq!(
        php_says(&project, "echo Acme\\Lib\\Hello::version();"),
        "2.0.0-beta1"
    );

    // The same customer with a Magento key pair instead of the token.
    vendor
        .api(
            "mutation($c: ID!) { createMagentoLegacyKey(customerId: $c, publicKey: \"mage-public\", privateKey: \"mage-private-key\") { publicKey } }",
            json!({ "c": beta }),
        )
        .await;
    let host = vendor.server.base_url.trim_start_matches("http://");
    let magento_auth = |private_key: &str| {
        json!({ "http-basic": { host: { "username": "mage-public", "password": private_key } } })
            .to_string()
    };
    let project = vendor.project("magento", "beta");
    let magento = Composer::new(&project, Some(magento_auth("mage-private-key")));
    magento.succeed(&["require", "acme/lib:^2.0"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v2.0.0");
    let project = vendor.project("magento-wrong", "beta");
    let wrong = Composer::new(&project, Some(magento_auth("not-the-key")));
    let refused = wrong.fail(&["require", "acme/lib:^2.0"]);
    assert!(
        squeezed(&refused).contains("(HTTP401)"),
        "expected a 401:\n{refused}"
    );

    // Disabled: a clean authentication failure that says why.
    vendor
        .api(
            "mutation($c: ID!) { disableCustomer(id: $c) { enabled } }",
            json!({ "c": one }),
        )
        .await;
    let project = vendor.project("disabled", "one");
    let composer = vendor.composer(&project, &one_token);
    let refused = composer.fail(&["require", "acme/lib"]);
    let root = format!(
        "{}/acme/customers/one/packages.json",
        vendor.server.base_url
    );
    assert!(
        squeezed(&refused).contains(&squeezed(&format!(
            "The '{root}' URL required authentication (HTTP 401)"
        ))),
        "{refused}"
    );
    assert!(refused.contains("disabled"), "{refused}");
    vendor
        .api(
            "mutation($c: ID!) { enableCustomer(id: $c) { enabled } }",
            json!({ "c": one }),
        )
        .await;
    composer.succeed(&["require", "acme/lib"]);

    // A regenerated token: the old one fails at once, the new one installs.
    let regenerated = vendor
        .api(
            "mutation($c: ID!) { regenerateCustomerToken(id: $c, iConfirmOldTokenWillStopWorkingImmediately: true) { token } }",
            json!({ "c": one }),
        )
        .await;
    let new_token = regenerated["regenerateCustomerToken"]["token"]
        .as_str()
        .unwrap();
    let project = vendor.project("old-token", "one");
    let refused = vendor
        .composer(&project, &one_token)
        .fail(&["require", "acme/lib"]);
    assert!(squeezed(&refused).contains("(HTTP401)"), "{refused}");
    let project = vendor.project("new-token", "one");
    vendor
        .composer(&project, new_token)
        .succeed(&["require", "acme/lib"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.1.0");
}
