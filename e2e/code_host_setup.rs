//! Issue 7's promise, end to end: a new organization is set up entirely by signing in
//! with its code host and pressing "synchronize", and a push afterwards reaches Composer
//! through the hook the synchronization installed.
//!
//! The code host is `e2e/peers/mock_code_hosts.mjs`'s GitHub Enterprise Server: real
//! OAuth (oauth2-mock-server), the organization API the synchronization calls (paged,
//! strict about the token and its scopes), and push deliveries signed like GitHub's. Its
//! repositories are real git repositories made here; the browser is Chromium, the
//! installs are the real Composer client's.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::browser::{browser, wait_for, wait_for_text};
use crate::support::composer::{Composer, http_basic_auth, installed_version, write_project};
use crate::support::git::{GitRepo, library_manifest};
use crate::support::peers::NodePeer;
use crate::support::{Server, artifacts_dir, free_port};

/// The organization at the host, and the repository that becomes the package.
const HOST_ORGANIZATION: &str = "acme-gh";

fn version_class(version: &str) -> String {
    format!(
        "<?php\nnamespace Acme\\Widget;\nfinal class Version {{ public const NAME = '{version}'; }}\n"
    )
}

/// `widget` with a composer.json (the package), `website` without one, `legacy` archived
/// (with a composer.json, but left out).
fn repositories(dir: &std::path::Path) -> (GitRepo, Vec<Value>) {
    let widget = GitRepo::init(&dir.join("widget"), "main");
    widget.commit(
        &[
            (
                "composer.json",
                &library_manifest("acme/widget", "Acme\\Widget", &[("php", ">=8.1")]),
            ),
            ("src/Version.php", &version_class("1.0.0")),
        ],
        "first",
    );
    widget.tag("v1.0.0");
    let website = GitRepo::init(&dir.join("website"), "main");
    website.commit(&[("index.html", "<h1>Acme</h1>")], "first");
    let legacy = GitRepo::init(&dir.join("legacy"), "main");
    legacy.commit(
        &[(
            "composer.json",
            &library_manifest("acme/legacy", "Acme\\Legacy", &[]),
        )],
        "first",
    );
    // Two a page: `website` comes on the second.
    let declared = vec![
        json!({ "name": "legacy", "clone_url": legacy.url(), "archived": true }),
        json!({ "name": "widget", "clone_url": widget.url() }),
        json!({ "name": "website", "clone_url": website.url() }),
    ];
    (widget, declared)
}

/// A control call to the mock host; returns its JSON answer (or null).
async fn control(github: &str, method: reqwest::Method, path: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .request(method, format!("{github}/_control/github/{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

/// Waits until the organization's Composer repository offers `version` of acme/widget.
async fn wait_for_version(server: &Server, token: &str, version: &str) {
    let url = format!("{}/acme/p2/acme/widget.json", server.base_url);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let body = reqwest::Client::new()
            .get(&url)
            .basic_auth("token", Some(token))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if body.contains(&format!("\"version\":\"{version}\"")) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{version} never appeared: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_set_up_by_signing_in_follows_pushes() {
    let hosts = NodePeer::start("mock_code_hosts.mjs", &[]);
    let github = hosts.url("github");
    let work = tempfile::tempdir().unwrap();
    let (widget, declared) = repositories(&work.path().join("git"));
    control(
        &github,
        reqwest::Method::PUT,
        &format!("orgs/{HOST_ORGANIZATION}"),
        json!({
            "repositories": declared,
            "teams": [{
                "id": 31, "slug": "developers", "name": "Developers",
                // mock-octo signs in below; octo-dev never does.
                "members": [{ "id": 4242, "login": "mock-octo" }, { "id": 9001, "login": "octo-dev" }],
                "repositories": { "widget": "push" },
            }],
        }),
    )
    .await;

    let data_dir = work.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let config = data_dir.join("packyard.toml");
    std::fs::write(
        &config,
        format!(
            "# The host's repositories are local git repositories.\n\
             allow_local_repositories = true\n\n\
             [oauth.github]\n\
             kind = \"github\"\n\
             client_id = \"packyard-e2e\"\n\
             client_secret = \"packyard-e2e-secret\"\n\
             base_url = \"{github}\"\n\
             # Signing in needs the first two; synchronizing with the sign-in needs private\n\
             # repositories and their hooks (repo) and the teams (read:org).\n\
             scopes = [\"read:user\", \"user:email\", \"repo\", \"read:org\"]\n"
        ),
    )
    .unwrap();
    let server = Server::start_on(free_port(), &data_dir, None, &config).await;

    let (client, _driver, _profile) = browser().await;
    let token = async {
        // Signed in with GitHub: a new user, with nothing else set up.
        client
            .goto(&format!("{}/login", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "a.oauth-button[data-provider=github]")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, ".viewer-name", "mock-octo").await;

        // A new organization, from the dashboard.
        client
            .goto(&format!("{}/organizations/new", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "input[name=name]")
            .await
            .send_keys("Acme")
            .await
            .unwrap();
        client
            .find(Locator::Css("input[name=urlName]"))
            .await
            .unwrap()
            .send_keys("acme")
            .await
            .unwrap();
        client
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, "nav.tabs a[href=\"/orgs/acme/synchronizations\"]")
            .await
            .click()
            .await
            .unwrap();

        // Connected with the sign-in: offered first, nothing else to choose.
        let form = "form.create-synchronization-form";
        let sign_in = wait_for(&client, &format!("{form} #access-sign-in-github")).await;
        assert!(sign_in.is_selected().await.unwrap());
        wait_for_text(
            &client,
            &format!("{form} label[for=access-sign-in-github]"),
            "Use my GitHub Enterprise sign-in",
        )
        .await;
        assert!(
            client
                .find_all(Locator::Css(&format!("{form} select[name=credentialId]")))
                .await
                .unwrap()
                .is_empty(),
            "a sign-in needs no credential"
        );
        client
            .find(Locator::Css(&format!("{form} input[name=name]")))
            .await
            .unwrap()
            .send_keys(HOST_ORGANIZATION)
            .await
            .unwrap();
        client
            .find(Locator::Css(&format!("{form} button[type=submit]")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let card = format!("li.synchronization[data-name={HOST_ORGANIZATION}]");
        wait_for(
            &client,
            &format!("{card} .sync-status[data-status=SUCCESS]"),
        )
        .await;
        wait_for_text(
            &client,
            &format!("{card} .sync-access"),
            "GitHub Enterprise sign-in of mock-octo",
        )
        .await;
        let log = wait_for_text(
            &client,
            &format!("{card} .job-log pre"),
            "acme-gh/widget: package added, hook installed",
        )
        .await;
        // Both pages of repositories were read; the archived one is left out.
        assert!(log.contains("2 repositories"), "{log}");
        assert!(
            log.contains("acme-gh/website: no composer.json, skipped"),
            "{log}"
        );
        // The host's team, with the one member who has signed in to Packyard.
        wait_for_text(
            &client,
            &format!("{card} .sync-team-list li[data-name=Developers]"),
            "1 member",
        )
        .await;

        // "Synchronize now": a second run finds everything in place.
        wait_for(&client, "button.sync-now-button")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(
            &client,
            &format!("{card} .job-log pre"),
            "acme-gh/widget: package present, hook present",
        )
        .await;
        wait_for_text(&client, &format!("{card} .sync-status"), "Succeeded").await;
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("code-host-setup.png"), screenshot).unwrap();

        // The package, read.
        client
            .find(Locator::Css("nav.tabs a[href=\"/orgs/acme\"]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "ul.package-list", "acme/widget").await;
        wait_for(&client, "ul.package-list .last-job[data-status=SUCCESS]").await;

        // A token for Composer, from the Tokens tab.
        client
            .find(Locator::Css("nav.tabs a[href=\"/orgs/acme/tokens\"]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, "form.create-token-form input[name=description]")
            .await
            .send_keys("CI")
            .await
            .unwrap();
        client
            .find(Locator::Css("form.create-token-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, ".secret-reveal .token-secret pre")
            .await
            .text()
            .await
            .unwrap()
    }
    .await;
    client.close().await.unwrap();

    // The hook at the host is the organization's, signed with a secret.
    let hooks = control(
        &github,
        reqwest::Method::GET,
        &format!("hooks/{HOST_ORGANIZATION}/widget"),
        Value::Null,
    )
    .await;
    let hooks = hooks.as_array().unwrap();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(
        hooks[0]["config"]["url"],
        format!("{}/api/hooks/acme", server.base_url)
    );
    assert_eq!(hooks[0]["config"]["content_type"], "json");
    assert!(
        hooks[0]["config"]["secret"].as_str().unwrap().len() >= 32,
        "{hooks:?}"
    );

    let project = work.path().join("app");
    write_project(&project, &format!("{}/acme", server.base_url));
    let composer = Composer::new(&project, Some(http_basic_auth(&server, &token)));
    composer.succeed(&["require", "acme/widget:^1.0"]);
    assert_eq!(installed_version(&project, "acme/widget"), "v1.0.0");

    // A release at the host: the push is delivered to the installed hook.
    widget.commit(&[("src/Version.php", &version_class("1.1.0"))], "1.1");
    widget.tag("v1.1.0");
    let pushed = control(
        &github,
        reqwest::Method::POST,
        &format!("push/{HOST_ORGANIZATION}/widget"),
        json!({ "ref": "refs/tags/v1.1.0" }),
    )
    .await;
    let delivery = &pushed["deliveries"][0];
    assert_eq!(delivery["status"], 202, "{pushed}");
    wait_for_version(&server, &token, "v1.1.0").await;
    composer.clear_cache();
    composer.succeed(&["update", "acme/widget"]);
    assert_eq!(installed_version(&project, "acme/widget"), "v1.1.0");
}
