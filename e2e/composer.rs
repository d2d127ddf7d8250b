//! The real Composer client (Debian's `composer`, PHP 8.2) installing from a running
//! Packyard, as a customer's CI would.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::json;

use crate::support::git::{GitRepo, library_manifest};
use crate::support::websocket::{next_payload, subscribe};
use crate::support::{Server, database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composer_installs_updates_and_reinstalls_from_the_lock_sqlite() {
    composer_installs_updates_and_reinstalls_from_the_lock(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composer_installs_updates_and_reinstalls_from_the_lock_postgres() {
    composer_installs_updates_and_reinstalls_from_the_lock(true).await;
}

struct Composer<'a> {
    project: &'a Path,
    home: tempfile::TempDir,
    auth: Option<String>,
}

impl Composer<'_> {
    fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new("composer");
        command
            .args(args)
            .arg("--no-interaction")
            .arg("--no-progress")
            .current_dir(self.project)
            .env("COMPOSER_HOME", self.home.path().join("home"))
            .env("COMPOSER_CACHE_DIR", self.home.path().join("cache"))
            .env("COMPOSER_ALLOW_SUPERUSER", "1")
            .env("COMPOSER_NO_INTERACTION", "1")
            .env("COMPOSER_NO_AUDIT", "1")
            .env_remove("COMPOSER_AUTH");
        if let Some(auth) = &self.auth {
            command.env("COMPOSER_AUTH", auth);
        }
        command
            .output()
            .expect("composer (Debian package composer) on PATH")
    }

    #[track_caller]
    fn succeed(&self, args: &[&str]) -> String {
        let output = self.run(args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "composer {args:?} failed:\n{text}");
        text
    }

    fn clear_cache(&self) {
        let _ = std::fs::remove_dir_all(self.home.path().join("cache"));
    }
}

fn installed_version(project: &Path, name: &str) -> String {
    let installed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(project.join("vendor/composer/installed.json")).unwrap(),
    )
    .unwrap();
    installed["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .map(|p| p["version"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{name} not installed: {installed}"))
}

fn php_says(project: &Path, code: &str) -> String {
    let output = Command::new("php")
        .arg("-r")
        .arg(format!("require 'vendor/autoload.php'; {code}"))
        .current_dir(project)
        .output()
        .expect("php-cli on PATH");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

async fn wait_for_job(server: &Server, token: &str, job_id: &str) {
    let mut socket = subscribe(
        &server.base_url,
        token,
        &format!("subscription {{ jobUpdated(id: \"{job_id}\") {{ status error }} }}"),
    )
    .await;
    let mut last = None;
    while let Some(payload) = next_payload(&mut socket).await {
        last = Some(payload["jobUpdated"].clone());
    }
    let last = last.unwrap();
    assert_eq!(last["status"], "SUCCESS", "{last}");
}

async fn graphql_ok(
    server: &Server,
    token: &str,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let body = server.graphql(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn composer_installs_updates_and_reinstalls_from_the_lock(postgres: bool) {
    let Some(database_url) = database(postgres).await else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let util = GitRepo::init(&work.path().join("util"), "main");
    util.commit(
        &[
            ("composer.json", &library_manifest("acme/util", "Acme\\Util", &[])),
            ("src/Strings.php", "<?php\nnamespace Acme\\Util;\nfinal class Strings { public static function shout(string $s): string { return strtoupper($s) . '!'; } }\n"),
        ],
        "util",
    );
    util.tag("1.0.0");
    let lib = GitRepo::init(&work.path().join("lib"), "main");
    let greeter = |version: &str| {
        format!(
            "<?php\nnamespace Acme\\Lib;\nuse Acme\\Util\\Strings;\nfinal class Greeter {{ public function greet(string $n): string {{ return Strings::shout(\"hello $n from {version}\"); }} }}\n"
        )
    };
    let manifest = library_manifest(
        "acme/lib",
        "Acme\\Lib",
        &[("php", ">=8.1"), ("acme/util", "^1.0")],
    );
    lib.commit(
        &[
            ("composer.json", &manifest),
            ("src/Greeter.php", &greeter("1.0.0")),
        ],
        "1.0",
    );
    lib.tag("v1.0.0");
    lib.commit(&[("src/Greeter.php", &greeter("1.1.0"))], "1.1");
    lib.tag("v1.1.0");
    lib.branch("1.x");
    lib.commit(&[("src/Greeter.php", &greeter("2.0.0-beta1"))], "2.0 beta");
    lib.tag("2.0.0-beta1");

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
    graphql_ok(
        &server,
        &admin,
        "mutation { createOrganization(name: \"Acme\") { id } }",
        json!({}),
    )
    .await;
    let token = graphql_ok(&server, &admin, "mutation { createToken(organization: \"acme\", description: \"ci\", access: READ) { secret } }", json!({}))
        .await["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    for repo in [&util, &lib] {
        let job = graphql_ok(
            &server,
            &admin,
            "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
            json!({ "u": repo.url() }),
        )
        .await;
        wait_for_job(
            &server,
            &admin,
            job["createVcsPackage"]["id"].as_str().unwrap(),
        )
        .await;
    }

    let project = work.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let repository_url = format!("{}/acme", server.base_url);
    std::fs::write(
        project.join("composer.json"),
        serde_json::to_string_pretty(&json!({
            "name": "acme/app",
            "repositories": [{ "type": "composer", "url": repository_url }, { "packagist.org": false }],
            "require": {},
            "config": { "secure-http": false },
        }))
        .unwrap(),
    )
    .unwrap();
    let host = server.base_url.trim_start_matches("http://").to_owned();
    let auth =
        json!({ "http-basic": { host: { "username": "token", "password": token } } }).to_string();

    // Without credentials the client fails fast with an authentication error.
    let anonymous = Composer {
        project: &project,
        home: tempfile::tempdir().unwrap(),
        auth: None,
    };
    let started = std::time::Instant::now();
    let refused = anonymous.run(&["require", "acme/lib:^1.0"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("401") || stderr.contains("authentication"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));

    let composer = Composer {
        project: &project,
        home: tempfile::tempdir().unwrap(),
        auth: Some(auth),
    };
    composer.succeed(&["require", "acme/lib:^1.0"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.1.0");
    assert_eq!(installed_version(&project, "acme/util"), "1.0.0");
    assert_eq!(
        php_says(&project, "echo (new Acme\\Lib\\Greeter)->greet('ci');"),
        "HELLO CI FROM 1.1.0!"
    );
    // ^2.0 has only a beta, which the default minimum stability refuses.
    let beta = composer.run(&["require", "acme/lib:^2.0"]);
    assert!(!beta.status.success());

    // A new tag, published by updatePackage, reaches `composer update`.
    lib.checkout("1.x");
    lib.commit(&[("src/Greeter.php", &greeter("1.2.0"))], "1.2");
    lib.tag("v1.2.0");
    let job = graphql_ok(
        &server,
        &admin,
        "mutation { updatePackage(organization: \"acme\", name: \"acme/lib\") { id } }",
        json!({}),
    )
    .await;
    wait_for_job(
        &server,
        &admin,
        job["updatePackage"]["id"].as_str().unwrap(),
    )
    .await;
    composer.succeed(&["update", "acme/lib"]);
    assert_eq!(installed_version(&project, "acme/lib"), "v1.2.0");

    // From the lock file alone: dists downloaded again and verified against their shasum.
    std::fs::remove_dir_all(project.join("vendor")).unwrap();
    composer.clear_cache();
    let output = composer.succeed(&["install"]);
    assert!(output.contains("Installing acme/lib (v1.2.0)"), "{output}");
    assert_eq!(
        php_says(&project, "echo (new Acme\\Lib\\Greeter)->greet('lock');"),
        "HELLO LOCK FROM 1.2.0!"
    );
}
