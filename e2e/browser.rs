//! The dashboard in a real browser: Debian's Chromium, headless, over WebDriver.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::support::{Server, artifacts_dir, free_port};

struct ChromeDriver(Child);

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn browser() -> (fantoccini::Client, ChromeDriver, tempfile::TempDir) {
    let port = free_port();
    let driver = ChromeDriver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) on PATH"),
    );
    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            // Without the networking switches Chromium stalls on a closed network.
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let mut builder = ClientBuilder::new(connector);
    builder.capabilities(capabilities.as_object().unwrap().clone());
    let url = format!("http://127.0.0.1:{port}");
    let mut attempts = 0;
    let client = loop {
        match builder.connect(&url).await {
            Ok(client) => break client,
            Err(error) if attempts < 50 => {
                attempts += 1;
                let _ = error;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => panic!("could not start a Chromium session: {error}"),
        }
    };
    (client, driver, profile)
}

async fn wait_for(client: &fantoccini::Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// First start → the printed admin password → the login page → the organization list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_shows_the_organizations() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
    let password = server.first_admin_password().unwrap();
    let token = server.admin_token(&password).await;
    for name in ["Acme Corp", "Globex"] {
        let created = server
            .graphql(
                Some(&token),
                "mutation($n: String!) { createOrganization(name: $n) { id } }",
                json!({ "n": name }),
            )
            .await;
        assert!(created.get("errors").is_none(), "{created}");
    }

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        client.goto(&format!("{}/", server.base_url)).await.unwrap();
        // Signed out, the app sends us to the login page.
        let username = wait_for(&client, "input[name=username]").await;
        assert!(
            client
                .current_url()
                .await
                .unwrap()
                .path()
                .ends_with("/login")
        );

        username.send_keys("admin").await.unwrap();
        let password_input = client
            .find(Locator::Css("input[name=password]"))
            .await
            .unwrap();
        password_input.send_keys("wrong password!").await.unwrap();
        client
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let error = wait_for(&client, ".form-error").await;
        assert!(
            error
                .text()
                .await
                .unwrap()
                .contains("wrong username or password")
        );

        password_input.clear().await.unwrap();
        password_input.send_keys(&password).await.unwrap();
        client
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();

        let list = wait_for(&client, "ul.org-list").await;
        let items = list.find_all(Locator::Css("li")).await.unwrap();
        let mut names = Vec::new();
        for item in items {
            names.push(item.text().await.unwrap());
        }
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(
            names[0].contains("Acme Corp") && names[1].contains("Globex"),
            "{names:?}"
        );
        let viewer = wait_for(&client, ".viewer-name").await;
        assert_eq!(viewer.text().await.unwrap(), "admin");

        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("organizations.png"), screenshot).unwrap();
    }
    .await;
    client.close().await.unwrap();
    outcome
}

/// Add package form → the job's live progress bar → the package page with its versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_a_package_shows_its_versions_while_the_job_runs() {
    use crate::support::git::{GitRepo, library_manifest};

    let sources = tempfile::tempdir().unwrap();
    let repo = GitRepo::init(&sources.path().join("acme-lib"), "main");
    repo.commit(
        &[(
            "composer.json",
            &library_manifest("acme/lib", "Acme\\Lib", &[]),
        )],
        "First release",
    );
    repo.tag("v1.0.0");
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        None,
        &[("PACKYARD_ALLOW_LOCAL_REPOSITORIES", "true")],
    )
    .await;
    let password = server.first_admin_password().unwrap();
    let token = server.admin_token(&password).await;
    let created = server
        .graphql(
            Some(&token),
            "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
            json!({}),
        )
        .await;
    assert!(created.get("errors").is_none(), "{created}");

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        // Sign in through the login page; it moves on to the organization list.
        client
            .goto(&format!("{}/login", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "input[name=username]")
            .await
            .send_keys("admin")
            .await
            .unwrap();
        client
            .find(Locator::Css("input[name=password]"))
            .await
            .unwrap()
            .send_keys(&password)
            .await
            .unwrap();
        client
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, "ul.org-list").await;

        client
            .goto(&format!("{}/orgs/acme/packages/new", server.base_url))
            .await
            .unwrap();
        let url_input = wait_for(&client, "input[name=url]").await;
        // Record what the page's websockets receive, to tell the subscription's updates
        // from the HTTP fallback the page also has.
        client
            .execute(
                "const Native = window.WebSocket;
                 window.receivedOverWebsocket = [];
                 window.WebSocket = function (url, protocols) {
                     const socket = new Native(url, protocols);
                     socket.addEventListener('message', (event) =>
                         window.receivedOverWebsocket.push(event.data));
                     return socket;
                 };
                 Object.assign(window.WebSocket, Native);
                 window.WebSocket.prototype = Native.prototype;",
                vec![],
            )
            .await
            .unwrap();
        url_input.send_keys(&repo.url()).await.unwrap();
        client
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();

        // The progress bar follows the job over the subscription until it succeeds.
        let progress = wait_for(&client, ".job-progress").await;
        let status = progress.attr("data-status").await.unwrap().unwrap();
        assert!(
            ["QUEUED", "RUNNING", "SUCCESS"].contains(&status.as_str()),
            "{status}"
        );
        let percent: i64 = progress
            .attr("data-progress")
            .await
            .unwrap()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0..=100).contains(&percent), "{percent}");
        let done = wait_for(&client, ".job-progress[data-status=SUCCESS]").await;
        assert_eq!(
            done.attr("data-progress").await.unwrap().as_deref(),
            Some("100")
        );

        // Then the package's page opens, with the versions the job read.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let url = client.current_url().await.unwrap();
            if url.path() == "/orgs/acme/packages/acme/lib" {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the package page did not open: {url}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let table = wait_for(&client, "table.versions").await;
        let mut versions = Vec::new();
        for row in table.find_all(Locator::Css("tbody tr")).await.unwrap() {
            let first = row.find(Locator::Css("td")).await.unwrap();
            versions.push(first.text().await.unwrap());
        }
        assert_eq!(versions, ["v1.0.0", "dev-main"]);
        let install = wait_for(&client, ".install-command pre").await;
        assert_eq!(install.text().await.unwrap(), "composer require acme/lib");

        // The progress came from the jobUpdated subscription over /graphql/ws.
        let received = client
            .execute("return window.receivedOverWebsocket", vec![])
            .await
            .unwrap();
        let updates: Vec<serde_json::Value> = received
            .as_array()
            .unwrap()
            .iter()
            .map(|message| serde_json::from_str(message.as_str().unwrap()).unwrap())
            .filter(|message: &serde_json::Value| message["type"] == "next")
            .collect();
        assert!(
            updates
                .iter()
                .any(|update| update["payload"]["data"]["jobUpdated"]["status"] == "SUCCESS"),
            "{received:#}"
        );

        // The whole page, versions included.
        client.set_window_size(1280, 1500).await.unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("package.png"), screenshot).unwrap();
    }
    .await;
    client.close().await.unwrap();
    outcome
}

/// Signs in through the login page as `admin`.
async fn sign_in(client: &fantoccini::Client, server: &Server, password: &str) {
    client
        .goto(&format!("{}/login", server.base_url))
        .await
        .unwrap();
    wait_for(client, "input[name=username]")
        .await
        .send_keys("admin")
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, "ul.org-list").await;
}

/// Removing a token and a credential: "Remove" in the row, then the inline confirmation
/// (the same component on both pages); the row goes, the empty list says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_and_credentials_are_removed_after_confirming() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
    let password = server.first_admin_password().unwrap();
    let token = server.admin_token(&password).await;
    for (query, variables) in [
        (
            "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
            json!({}),
        ),
        (
            "mutation { createToken(organization: \"acme\", description: \"CI of the shop\", access: READ) { secret } }",
            json!({}),
        ),
        (
            "mutation { createCredential(organization: \"acme\", description: \"Deploy login\", type: HTTP_BASIC, domain: \"git.example.com\", username: \"ci\", password: \"secret\") { id } }",
            json!({}),
        ),
    ] {
        let created = server.graphql(Some(&token), query, variables).await;
        assert!(created.get("errors").is_none(), "{created}");
    }

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        for (page, row_text, empty) in [
            ("tokens", "CI of the shop", "No tokens yet"),
            ("credentials", "Deploy login", "No credentials yet"),
        ] {
            client
                .goto(&format!("{}/orgs/acme/{page}", server.base_url))
                .await
                .unwrap();
            let row = wait_for(&client, &format!("table.{page} tbody tr")).await;
            assert!(row.text().await.unwrap().contains(row_text));
            row.find(Locator::Css("td.row-actions button.button-danger-outline"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let question = wait_for(&client, "tr.row-confirmation .confirm-row").await;
            assert!(question.text().await.unwrap().contains(row_text));
            wait_for(&client, "tr.row-confirmation button.confirm-action")
                .await
                .click()
                .await
                .unwrap();
            let note = wait_for(&client, "p.empty-note").await;
            assert!(note.text().await.unwrap().starts_with(empty), "{page}");
        }
    }
    .await;
    client.close().await.unwrap();
    outcome
}
