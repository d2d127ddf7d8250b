//! The real Composer client (Debian's `composer`, PHP 8.2) installing from a running
//! Packyard, as a customer's CI would.

use std::time::Duration;

use serde_json::json;

use crate::support::composer::{Composer, graphql_ok, installed_version, php_says, wait_for_job};
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Server, database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composer_installs_updates_and_reinstalls_from_the_lock_sqlite() {
    composer_installs_updates_and_reinstalls_from_the_lock(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composer_installs_updates_and_reinstalls_from_the_lock_postgres() {
    composer_installs_updates_and_reinstalls_from_the_lock(true).await;
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
