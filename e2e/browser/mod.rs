//! The dashboard in a real browser: Debian's Chromium, headless, over WebDriver.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::support::composer::{graphql_ok, wait_for_job};
use crate::support::{Server, artifacts_dir, free_port};

mod hooks;
mod synchronizations;

pub(crate) struct ChromeDriver(Child);

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) async fn browser() -> (fantoccini::Client, ChromeDriver, tempfile::TempDir) {
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

pub(crate) async fn wait_for(
    client: &fantoccini::Client,
    css: &str,
) -> fantoccini::elements::Element {
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
    sign_in_as(client, server, "admin", password).await;
}

/// Signs in through the login page.
async fn sign_in_as(client: &fantoccini::Client, server: &Server, username: &str, password: &str) {
    client
        .goto(&format!("{}/login", server.base_url))
        .await
        .unwrap();
    wait_for(client, "input[name=username]")
        .await
        .send_keys(username)
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
    // Signed in, the shell names the user (the list may be empty).
    wait_for_text(client, ".viewer-name", username).await;
}

/// A zip of acme/tool at `version`, as the archive form takes it.
fn tool_release(version: &str) -> Vec<u8> {
    use std::io::Write;
    let manifest = json!({ "name": "acme/tool", "version": version });
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file("composer.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(manifest.to_string().as_bytes()).unwrap();
    writer.finish().unwrap().into_inner()
}

/// `uploadArtifact` over the API; returns the artifact's id.
async fn upload_artifact(server: &Server, token: &str, file_name: &str, bytes: Vec<u8>) -> String {
    let operations = json!({
        "query": "mutation($f: Upload!) { uploadArtifact(organization: \"acme\", file: $f) { id } }",
        "variables": { "f": null },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["uploadArtifact"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// The first cells of `table.<class>`'s rows, once there are `count` of them.
async fn first_cells(client: &fantoccini::Client, table: &str, count: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mut cells = Vec::new();
        for row in client
            .find_all(Locator::Css(&format!("table.{table} tbody tr")))
            .await
            .unwrap()
        {
            if let Ok(cell) = row.find(Locator::Css("td")).await {
                cells.push(cell.text().await.unwrap_or_default());
            }
        }
        if cells.len() == count {
            return cells;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "table.{table} has {cells:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// "Edit archives" on an artifact package: an unused upload is deleted, another one is
/// ticked, a new one is uploaded through the form, the first version is left out; saving
/// reads the package again and its page shows exactly the chosen versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_an_artifact_package_chooses_its_archives() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
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
    let first = upload_artifact(&server, &token, "tool-1.0.0.zip", tool_release("1.0.0")).await;
    upload_artifact(&server, &token, "tool-1.1.0.zip", tool_release("1.1.0")).await;
    upload_artifact(&server, &token, "mistake.zip", tool_release("9.9.9")).await;
    let job = server
        .graphql(
            Some(&token),
            "mutation($ids: [ID!]!) { createArtifactPackage(organization: \"acme\", artifactIds: $ids) { id } }",
            json!({ "ids": [first] }),
        )
        .await;
    let job_id = job["data"]["createArtifactPackage"]["id"].clone();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let status = server
            .graphql(
                Some(&token),
                "query($id: ID!) { job(id: $id) { status } }",
                json!({ "id": job_id }),
            )
            .await["data"]["job"]["status"]
            .clone();
        if status == "SUCCESS" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The version uploaded through the browser, from disk.
    let upload_dir = tempfile::tempdir().unwrap();
    let new_zip = upload_dir.path().join("tool-1.2.0.zip");
    std::fs::write(&new_zip, tool_release("1.2.0")).unwrap();

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme/packages/acme/tool", server.base_url))
            .await
            .unwrap();
        assert_eq!(
            first_cells(&client, "artifacts", 1).await,
            ["tool-1.0.0.zip"]
        );
        wait_for(&client, "button.edit-archives")
            .await
            .click()
            .await
            .unwrap();

        // The unused uploads of acme/tool are offered; the mistake is deleted.
        wait_for(&client, "li.archive-choice[data-version=\"1.1.0\"]").await;
        wait_for(
            &client,
            "li.archive-choice[data-version=\"9.9.9\"] button.remove-artifact",
        )
        .await
        .click()
        .await
        .unwrap();
        wait_for(
            &client,
            "li.archive-choice[data-version=\"9.9.9\"] button.confirm-action",
        )
        .await
        .click()
        .await
        .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !client
            .find_all(Locator::Css("li.archive-choice[data-version=\"9.9.9\"]"))
            .await
            .unwrap()
            .is_empty()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "9.9.9 was not deleted"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // 1.1.0 ticked, 1.0.0 left out, 1.2.0 uploaded here (and ticked by that).
        wait_for(
            &client,
            "li.archive-choice[data-version=\"1.1.0\"] input[type=checkbox]",
        )
        .await
        .click()
        .await
        .unwrap();
        wait_for(
            &client,
            "li.archive-choice[data-version=\"1.0.0\"] input[type=checkbox]",
        )
        .await
        .click()
        .await
        .unwrap();
        wait_for(&client, "form.archives-form input[type=file][name=file]")
            .await
            .send_keys(&new_zip.display().to_string())
            .await
            .unwrap();
        wait_for(
            &client,
            "li.archive-choice[data-version=\"1.2.0\"] input[type=checkbox]:checked",
        )
        .await;
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("edit-archives.png"), screenshot).unwrap();
        wait_for(&client, "button.save-archives")
            .await
            .click()
            .await
            .unwrap();

        // The job reads the new set; the page then shows exactly those versions.
        assert_eq!(
            first_cells(&client, "versions", 2).await,
            ["1.2.0", "1.1.0"]
        );
        let files = first_cells(&client, "artifacts", 2).await;
        assert_eq!(files, ["tool-1.1.0.zip", "tool-1.2.0.zip"]);
        client.set_window_size(1280, 1500).await.unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("artifact-package.png"), screenshot).unwrap();
    }
    .await;
    client.close().await.unwrap();
    let () = outcome;

    // 1.0.0 is an unused upload now; the mistake is gone altogether.
    let left = server
        .graphql(
            Some(&token),
            "{ organization(urlName: \"acme\") { artifacts { nodes { version package { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        left["data"]["organization"]["artifacts"]["nodes"],
        json!([
            { "version": "1.0.0", "package": null },
            { "version": "1.1.0", "package": { "name": "acme/tool" } },
            { "version": "1.2.0", "package": { "name": "acme/tool" } },
        ]),
        "{left}"
    );
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

/// An owner adds an outgoing webhook in the dashboard, sends a test event, and sees the
/// delivery succeed in its log; the receiver got the event signed with the secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_added_in_the_dashboard_delivers_a_signed_test_event() {
    use hmac::{Hmac, Mac};
    // A receiver that records what it gets.
    let received = Arc::new(Mutex::new(
        Vec::<(axum::http::HeaderMap, axum::body::Bytes)>::new(),
    ));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post({
            let received = received.clone();
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let received = received.clone();
                async move {
                    received.lock().unwrap().push((headers, body));
                    "ok"
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        None,
        &[("PACKYARD_ALLOW_LOCAL_WEBHOOKS", "true")],
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
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme/webhooks", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "form.create-webhook-form").await;
        // Without an event the form says so at the events.
        client
            .find(Locator::Css("#url"))
            .await
            .unwrap()
            .send_keys(&hook_url)
            .await
            .unwrap();
        client
            .find(Locator::Css("form.create-webhook-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let complaint = wait_for(&client, "fieldset.webhook-events p.form-error").await;
        assert!(
            complaint
                .text()
                .await
                .unwrap()
                .contains("at least one event")
        );
        client
            .find(Locator::Css("#secret"))
            .await
            .unwrap()
            .send_keys("s3cret")
            .await
            .unwrap();
        client
            .find(Locator::Css("#VERSION_ADDED"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css("form.create-webhook-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let row = wait_for(&client, "table.webhooks tbody tr").await;
        let text = row.text().await.unwrap();
        assert!(text.contains(&hook_url), "{text}");
        assert!(text.contains("version added"), "{text}");
        wait_for(&client, "table.webhooks button.send-test")
            .await
            .click()
            .await
            .unwrap();
        // The worker delivers it; reloading shows the log with the outcome.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if received.lock().unwrap().len() == 1 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the test event never arrived"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut delivered = false;
        for _ in 0..50 {
            client.refresh().await.unwrap();
            wait_for(&client, "table.webhooks tbody tr").await;
            if client
                .find(Locator::Css("li.delivery[data-status=SUCCESS]"))
                .await
                .is_ok()
            {
                delivered = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(delivered, "the delivery log shows the sent test event");
        let (headers, body) = received.lock().unwrap()[0].clone();
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(b"s3cret").unwrap();
        mac.update(&body);
        let expected = format!("sha1={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(headers["packagist-signature"].to_str().unwrap(), expected);
        assert_eq!(headers["packagist-event"], "test");
    }
    .await;
    client.close().await.unwrap();
    outcome
}

/// On the add page, "Remove" on an uploaded archive leaves it out and deletes the upload
/// (nothing uses it), so an abandoned choice leaves nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_removed_on_the_add_page_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
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
    let files = tempfile::tempdir().unwrap();
    let zip = files.path().join("tool-1.0.0.zip");
    std::fs::write(&zip, tool_release("1.0.0")).unwrap();
    let count = || async {
        server
            .graphql(
                Some(&token),
                "{ organization(urlName: \"acme\") { artifacts { totalCount } } }",
                json!({}),
            )
            .await["data"]["organization"]["artifacts"]["totalCount"]
            .as_i64()
            .unwrap()
    };

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!(
                "{}/orgs/acme/packages/new?source=archive",
                server.base_url
            ))
            .await
            .unwrap();
        wait_for(&client, "input[type=file][name=file]")
            .await
            .send_keys(&zip.display().to_string())
            .await
            .unwrap();
        wait_for(&client, "li.upload.upload-done .artifact-version").await;
        assert_eq!(count().await, 1);
        wait_for(&client, "li.upload button.upload-remove")
            .await
            .click()
            .await
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while count().await != 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the upload was not deleted"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            client
                .find_all(Locator::Css("li.upload"))
                .await
                .unwrap()
                .is_empty()
        );
    }
    .await;
    client.close().await.unwrap();
    outcome
}

/// Waits until the element at `css` exists and its text contains `needle`.
pub(crate) async fn wait_for_text(client: &fantoccini::Client, css: &str, needle: &str) -> String {
    wait_for_text_matching(client, css, &format!("{needle:?}"), |text| {
        text.contains(needle)
    })
    .await
}

/// The text of the first element at `css` once it has one matching `accept`; `expected`
/// describes it for the failure message.
pub(crate) async fn wait_for_text_matching(
    client: &fantoccini::Client,
    css: &str,
    expected: &str,
    accept: impl Fn(&str) -> bool,
) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
            && accept(&text)
        {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} did not come to say {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether the checkbox with this id is ticked, as the page has it now.
async fn is_checked(client: &fantoccini::Client, id: &str) -> bool {
    client
        .execute(
            "return document.getElementById(arguments[0]).checked",
            vec![json!(id)],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap_or_else(|| panic!("no checkbox #{id}"))
}

/// `createCustomPackage` of `name` 1.0.0 in `acme`, read by its job.
async fn add_custom_package(server: &Server, token: &str, name: &str) {
    let definition = json!({
        "name": name,
        "version": "1.0.0",
        "dist": { "type": "zip", "url": format!("https://downloads.example.com/{name}.zip") },
    });
    let job = graphql_ok(
        server,
        token,
        "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
        json!({ "d": definition.to_string() }),
    )
    .await;
    wait_for_job(
        server,
        token,
        job["createCustomPackage"]["id"].as_str().unwrap(),
    )
    .await;
}

/// The owner builds a team in the dashboard: created with two permission switches on, a
/// member (invited and accepted over the API) added from the organization's members, a
/// package granted from the organization's packages. The pages show it after a reload,
/// and the member's own API view has exactly those rights and that package.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_built_in_the_dashboard_gives_its_member_rights_and_a_package() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
    let password = server.first_admin_password().unwrap();
    let admin = server.admin_token(&password).await;
    graphql_ok(
        &server,
        &admin,
        "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
        json!({}),
    )
    .await;
    add_custom_package(&server, &admin, "acme/secret-lib").await;
    add_custom_package(&server, &admin, "acme/other-lib").await;

    // Bob joins the organization (no team yet) over the API.
    let bob_password = "bob's long e2e password";
    graphql_ok(
        &server,
        &admin,
        "mutation($p: String!) { createUser(username: \"bob\", password: $p) { id } }",
        json!({ "p": bob_password }),
    )
    .await;
    let invitation = graphql_ok(
        &server,
        &admin,
        "mutation { inviteMember(organization: \"acme\", usernameOrEmail: \"bob\") { id } }",
        json!({}),
    )
    .await;
    let bob = server.login_token("bob", bob_password).await;
    graphql_ok(
        &server,
        &bob,
        "mutation($i: ID!) { acceptInvitation(id: $i) }",
        json!({ "i": invitation["inviteMember"]["id"] }),
    )
    .await;
    let bob_view = || async {
        graphql_ok(
            &server,
            &bob,
            "{ organization(urlName: \"acme\") { viewerRole viewerPermissions { canEditTeamPackages canAddPackages canCreateSuborganizations canViewVendorCustomers canManageVendorCustomers } packages { nodes { name } } } }",
            json!({}),
        )
        .await["organization"]
            .clone()
    };
    let before = bob_view().await;
    assert_eq!(before["viewerRole"], "MEMBER");
    assert_eq!(before["packages"]["nodes"], json!([]), "{before}");

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        // The organization's tabs lead to the teams.
        client
            .goto(&format!("{}/orgs/acme", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "nav.tabs a.tab[href=\"/orgs/acme/teams\"]")
            .await
            .click()
            .await
            .unwrap();

        // Create "Deployers" with two of the five switches on.
        wait_for(&client, "form.create-team-form input[name=name]")
            .await
            .send_keys("Deployers")
            .await
            .unwrap();
        for flag in ["canAddPackages", "canViewVendorCustomers"] {
            wait_for(&client, &format!("#new-team-{flag}"))
                .await
                .click()
                .await
                .unwrap();
        }
        assert!(is_checked(&client, "new-team-canAddPackages").await);
        assert!(!is_checked(&client, "new-team-canEditTeamPackages").await);
        let description = wait_for(&client, "#new-team-canAddPackages-description").await;
        assert!(
            description
                .text()
                .await
                .unwrap()
                .contains("manage credentials")
        );
        client
            .find(Locator::Css("form.create-team-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();

        // The team's page opens: add bob from the organization's members…
        wait_for_text(&client, "h2.team-title", "Deployers").await;
        assert!(
            client
                .current_url()
                .await
                .unwrap()
                .path()
                .starts_with("/orgs/acme/teams/")
        );
        wait_for(&client, "select[name=userId]")
            .await
            .select_by_label("bob")
            .await
            .unwrap();
        wait_for(&client, "button.add-team-member")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, "table.team-members tr[data-name=bob]").await;

        // …and grant it one of the organization's packages.
        wait_for(&client, "select[name=package]")
            .await
            .select_by_label("acme/secret-lib")
            .await
            .unwrap();
        wait_for(&client, "button.grant-package")
            .await
            .click()
            .await
            .unwrap();
        wait_for(
            &client,
            "table.team-packages tr[data-name=\"acme/secret-lib\"]",
        )
        .await;
        client.set_window_size(1280, 1800).await.unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("team.png"), screenshot).unwrap();
        client.set_window_size(1280, 900).await.unwrap();

        // Drawn anew from the server, the page says the same.
        client.refresh().await.unwrap();
        wait_for(&client, "table.team-members tr[data-name=bob]").await;
        let rows = client
            .find_all(Locator::Css("table.team-packages tbody tr"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].text().await.unwrap().lines().next(),
            Some("acme/secret-lib")
        );
        for (flag, on) in [
            ("canEditTeamPackages", false),
            ("canAddPackages", true),
            ("canCreateSuborganizations", false),
            ("canViewVendorCustomers", true),
            ("canManageVendorCustomers", false),
        ] {
            assert_eq!(
                is_checked(&client, &format!("team-{flag}")).await,
                on,
                "{flag}"
            );
        }
        wait_for_text(&client, ".all-packages", "only the packages granted").await;

        // The list of teams and the members page agree.
        client
            .goto(&format!("{}/orgs/acme/teams", server.base_url))
            .await
            .unwrap();
        let row = wait_for_text(
            &client,
            "table.teams tr[data-name=Deployers]",
            "Add packages",
        )
        .await;
        assert!(row.contains("View vendor customers"), "{row}");
        assert!(!row.contains("Edit team packages"), "{row}");
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("teams.png"), screenshot).unwrap();
        client
            .goto(&format!("{}/orgs/acme/members", server.base_url))
            .await
            .unwrap();
        wait_for_text(
            &client,
            "table.members tr[data-name=bob] .member-teams",
            "Deployers",
        )
        .await;
    }
    .await;
    client.close().await.unwrap();
    let () = outcome;

    // Bob, over the API: the team's two rights, and its one package.
    let after = bob_view().await;
    assert_eq!(
        after["viewerPermissions"],
        json!({
            "canEditTeamPackages": false,
            "canAddPackages": true,
            "canCreateSuborganizations": false,
            "canViewVendorCustomers": true,
            "canManageVendorCustomers": false,
        }),
        "{after}"
    );
    assert_eq!(
        after["packages"]["nodes"],
        json!([{ "name": "acme/secret-lib" }]),
        "{after}"
    );
}

/// A token scoped to one team, created in the dashboard, then regenerated: the button
/// stays disabled until the description or the word "regenerate" is typed; the new
/// secret is shown once, and only it opens the repository from then on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_token_is_regenerated_after_typing_the_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
    let password = server.first_admin_password().unwrap();
    let admin = server.admin_token(&password).await;
    graphql_ok(
        &server,
        &admin,
        "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
        json!({}),
    )
    .await;
    let team = graphql_ok(
        &server,
        &admin,
        "mutation { createTeam(organization: \"acme\", name: \"CI team\") { id } }",
        json!({}),
    )
    .await["createTeam"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let status_with = |secret: String| {
        let url = format!("{}/acme/packages.json", server.base_url);
        async move {
            reqwest::Client::new()
                .get(url)
                .basic_auth("token", Some(secret))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme/tokens", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "form.create-token-form input[name=description]")
            .await
            .send_keys("Deploy bot")
            .await
            .unwrap();
        wait_for(&client, "#scope-team")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, "select[name=teamId]")
            .await
            .select_by_label("CI team")
            .await
            .unwrap();
        client
            .find(Locator::Css("form.create-token-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let first = wait_for(&client, ".secret-reveal .token-secret pre")
            .await
            .text()
            .await
            .unwrap();
        assert!(first.starts_with("pyo_"), "{first}");
        wait_for(&client, "button.secret-done")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(
            &client,
            "table.tokens tr[data-token=\"Deploy bot\"] td.token-scope",
            "CI team",
        )
        .await;

        // Regenerate: disabled until the confirmation is typed.
        wait_for(
            &client,
            "tr[data-token=\"Deploy bot\"] button.regenerate-token",
        )
        .await
        .click()
        .await
        .unwrap();
        let input = wait_for(&client, "#regenerate-confirmation").await;
        let button = wait_for(&client, "tr.row-confirmation button.confirm-typed").await;
        assert!(!button.is_enabled().await.unwrap());
        input.send_keys("regen").await.unwrap();
        assert!(!button.is_enabled().await.unwrap());
        input.clear().await.unwrap();
        input.send_keys("regenerate").await.unwrap();
        assert!(button.is_enabled().await.unwrap());
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("token-regenerate.png"), screenshot).unwrap();
        button.click().await.unwrap();
        wait_for_text(&client, ".secret-reveal h2", "New secret for “Deploy bot”").await;
        let second = wait_for(&client, ".secret-reveal .token-secret pre")
            .await
            .text()
            .await
            .unwrap();
        assert!(second.starts_with("pyo_") && second != first, "{second}");
        (first, second)
    }
    .await;
    client.close().await.unwrap();
    let (first, second) = outcome;

    // The token kept its team; the old secret stopped working, the new one works.
    let tokens = graphql_ok(
        &server,
        &admin,
        "{ organization(urlName: \"acme\") { tokens { description teamId accessToAllPackages } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        tokens["organization"]["tokens"],
        json!([{ "description": "Deploy bot", "teamId": team, "accessToAllPackages": false }]),
        "{tokens}"
    );
    assert_eq!(status_with(first).await, 401);
    assert_eq!(status_with(second).await, 200);
}

/// The owner invites a user into a team from the members page; the user signs in, finds
/// the invitation on their home page and accepts it, and sees only the tabs a member
/// without rights gets. The owner then creates a suborganization, gives that team a
/// permission on it (view, then owner), adds a package into it with the add page, and
/// creates one of its tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_members_and_a_suborganization_in_the_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
    let password = server.first_admin_password().unwrap();
    let admin = server.admin_token(&password).await;
    graphql_ok(
        &server,
        &admin,
        "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
        json!({}),
    )
    .await;
    graphql_ok(
        &server,
        &admin,
        "mutation { createTeam(organization: \"acme\", name: \"Developers\") { id } }",
        json!({}),
    )
    .await;
    let carol_password = "carol's long e2e password";
    graphql_ok(
        &server,
        &admin,
        "mutation($p: String!) { createUser(username: \"carol\", password: $p) { id } }",
        json!({ "p": carol_password }),
    )
    .await;

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme/members", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "table.members tr[data-name=admin]").await;
        wait_for(&client, "form.invite-form input[name=usernameOrEmail]")
            .await
            .send_keys("carol")
            .await
            .unwrap();
        // The team checkboxes are labelled with the teams' names.
        let developers = wait_for(
            &client,
            "form.invite-form label.choice:nth-of-type(2) input[name=teamIds]",
        )
        .await;
        let label = wait_for(&client, "form.invite-form label.choice:nth-of-type(2)").await;
        assert!(label.text().await.unwrap().contains("Developers"));
        developers.click().await.unwrap();
        client
            .find(Locator::Css("form.invite-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "form.invite-form .notice", "Invitation sent to carol").await;
        wait_for_text(&client, "table.invitations tbody tr", "Developers").await;
        client.set_window_size(1280, 1400).await.unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("members.png"), screenshot).unwrap();
        client.set_window_size(1280, 900).await.unwrap();

        // Carol signs in: the invitation waits on her home page.
        wait_for(&client, ".topbar-user button")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, "input[name=username]").await;
        sign_in_as(&client, &server, "carol", carol_password).await;
        let invitation = wait_for_text(&client, "ul.invitation-list li", "Acme").await;
        assert!(invitation.contains("Developers"), "{invitation}");
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("invitation.png"), screenshot).unwrap();
        wait_for(&client, "button.accept-invitation")
            .await
            .click()
            .await
            .unwrap();
        // Accepting opens the organization; a member without rights has no tokens or
        // credentials tabs.
        wait_for(&client, "nav.tabs a.tab[href=\"/orgs/acme/teams\"]").await;
        assert_eq!(client.current_url().await.unwrap().path(), "/orgs/acme");
        let mut tabs = Vec::new();
        for tab in client.find_all(Locator::Css("nav.tabs a.tab")).await.unwrap() {
            tabs.push(tab.text().await.unwrap());
        }
        assert_eq!(tabs, ["Packages", "Teams", "Members", "Suborganizations"]);

        // Back to the owner: a suborganization for the team.
        wait_for(&client, ".topbar-user button")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, "input[name=username]").await;
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme/suborganizations", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "form.create-suborganization-form input[name=name]")
            .await
            .send_keys("Shop project")
            .await
            .unwrap();
        client
            .find(Locator::Css("form.create-suborganization-form input[name=urlName]"))
            .await
            .unwrap()
            .send_keys("shop")
            .await
            .unwrap();
        client
            .find(Locator::Css("form.create-suborganization-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "h2.suborganization-title", "Shop project").await;
        assert_eq!(
            client.current_url().await.unwrap().path(),
            "/orgs/acme/suborganizations/shop"
        );
        let url = wait_for(&client, ".suborganization-repository .repository-url pre").await;
        assert!(url.text().await.unwrap().contains("/acme/shop"));

        // The team gets "view", then "owner".
        wait_for(&client, "form.add-suborganization-team-form select[name=teamId]")
            .await
            .select_by_label("Developers")
            .await
            .unwrap();
        client
            .find(Locator::Css("button.add-suborganization-team"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let select = wait_for(
            &client,
            "table.suborganization-teams tr[data-name=Developers] select[name=permission]",
        )
        .await;
        assert_eq!(select.prop("value").await.unwrap().as_deref(), Some("VIEW"));
        select.select_by_value("OWNER").await.unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let permission = graphql_ok(
                &server,
                &admin,
                "{ organization(urlName: \"acme\") { suborganization(urlName: \"shop\") { teams { permission team { name } } } } }",
                json!({}),
            )
            .await["organization"]["suborganization"]["teams"]
                .clone();
            if permission == json!([{ "permission": "OWNER", "team": { "name": "Developers" } }]) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{permission}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // A package into the suborganization, through the add page.
        wait_for(&client, "a.add-suborganization-package")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, "a.segment[data-source=custom]")
            .await
            .click()
            .await
            .unwrap();
        let definition = json!({
            "name": "acme/shop-theme",
            "version": "1.0.0",
            "dist": { "type": "zip", "url": "https://downloads.example.com/shop-theme.zip" },
        });
        wait_for(&client, "textarea[name=definition]")
            .await
            .send_keys(&definition.to_string())
            .await
            .unwrap();
        client
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // Done, the suborganization's page opens again, with the package.
        wait_for_text(
            &client,
            "table.suborganization-packages tbody tr",
            "acme/shop-theme",
        )
        .await;
        assert_eq!(
            client.current_url().await.unwrap().path(),
            "/orgs/acme/suborganizations/shop"
        );

        // And a token of its own repository.
        wait_for(&client, "form.create-token-form input[name=description]")
            .await
            .send_keys("Shop CI")
            .await
            .unwrap();
        assert!(
            client
                .find_all(Locator::Css("form.create-token-form input[name=scope]"))
                .await
                .unwrap()
                .is_empty(),
            "a suborganization's tokens see all of its packages"
        );
        client
            .find(Locator::Css("form.create-token-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let secret = wait_for(&client, ".secret-reveal .token-secret pre")
            .await
            .text()
            .await
            .unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("suborganization-token.png"), screenshot).unwrap();
        wait_for(&client, "button.secret-done")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, "table.tokens tr[data-token=\"Shop CI\"]").await;
        client.set_window_size(1280, 2200).await.unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("suborganization.png"), screenshot).unwrap();
        secret
    }
    .await;
    client.close().await.unwrap();
    let secret = outcome;

    // Carol is a member in Developers; the token opens the suborganization's repository
    // and its one package.
    let members = graphql_ok(
        &server,
        &admin,
        "{ organization(urlName: \"acme\") { members { nodes { user { username } teams { name } } } } }",
        json!({}),
    )
    .await;
    assert!(
        members["organization"]["members"]["nodes"]
            .as_array()
            .unwrap()
            .contains(
                &json!({ "user": { "username": "carol" }, "teams": [{ "name": "Developers" }] })
            ),
        "{members}"
    );
    let root: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/acme/shop/packages.json", server.base_url))
        .basic_auth("token", Some(secret))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        root["available-packages"],
        json!(["acme/shop-theme"]),
        "{root}"
    );
}

/// A vendor creates a customer in the dashboard and gets its token once; on the
/// customer's page a bad constraint is refused at its field with the server's own message,
/// then the package is granted with `^1.0` and the table shows the grant. The `auth.json`
/// snippet (the server's, with the token placeholder) is what the copy button copies, and
/// the customer is disabled after the confirming click.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_grants_a_customer_a_package_and_copies_its_auth_json() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None, &[]).await;
    let password = server.first_admin_password().unwrap();
    let admin = server.admin_token(&password).await;
    graphql_ok(
        &server,
        &admin,
        "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
        json!({}),
    )
    .await;
    add_custom_package(&server, &admin, "acme/widget").await;
    let bad_constraint = "^1.0 ||| nonsense";

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "nav.tabs a[href=\"/orgs/acme/customers\"]")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, "form.create-customer-form input[name=name]")
            .await
            .send_keys("Globex Corporation")
            .await
            .unwrap();
        client
            .find(Locator::Css(
                "form.create-customer-form input[name=urlName]",
            ))
            .await
            .unwrap()
            .send_keys("globex")
            .await
            .unwrap();
        client
            .find(Locator::Css(
                "form.create-customer-form button[type=submit]",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let token = wait_for(&client, ".secret-reveal .token-secret pre")
            .await
            .text()
            .await
            .unwrap();
        assert!(token.starts_with("pyc_"), "{token}");
        wait_for_text(&client, "table.customers tr[data-name=globex]", "Enabled").await;
        // "I have copied it" opens the customer's page; the token is not shown again.
        wait_for(&client, "button.secret-done")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "h2.customer-title", "Globex Corporation").await;
        assert!(
            client
                .find_all(Locator::Css(".secret-reveal"))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            client
                .current_url()
                .await
                .unwrap()
                .path()
                .ends_with("/orgs/acme/customers/globex")
        );
        wait_for(&client, "figure.downloads-chart[data-total=\"0\"]").await;

        // A constraint Composer cannot read: the server's message, at the input.
        let form = "form.package-limits-form";
        wait_for(&client, &format!("{form} select[name=package]"))
            .await
            .select_by_label("acme/widget")
            .await
            .unwrap();
        let constraint = client
            .find(Locator::Css(&format!(
                "{form} input[name=versionConstraint]"
            )))
            .await
            .unwrap();
        constraint.send_keys(bad_constraint).await.unwrap();
        let save = client
            .find(Locator::Css(&format!("{form} button.save-package-limits")))
            .await
            .unwrap();
        save.click().await.unwrap();
        let shown_error = wait_for(&client, "#limits-versionConstraint-error")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            constraint.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );

        constraint.clear().await.unwrap();
        constraint.send_keys("^1.0").await.unwrap();
        save.click().await.unwrap();
        wait_for_text(
            &client,
            "table.customer-packages tr[data-name=\"acme/widget\"] td.version-constraint",
            "^1.0",
        )
        .await;

        // The auth.json snippet and its copy button.
        let snippet = wait_for(&client, ".customer-auth-json pre")
            .await
            .text()
            .await
            .unwrap();
        client
            .find(Locator::Css(".customer-auth-json button.copy-button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // Only a resolved clipboard write says "Copied".
        wait_for_text(&client, ".customer-auth-json button.copy-button", "Copied").await;
        let copied = read_clipboard(&client, ".customer-auth-json button.copy-button").await;
        let command = wait_for(&client, ".repository-command pre")
            .await
            .text()
            .await
            .unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("customer.png"), screenshot).unwrap();

        // Disabling asks once more, then the page says so.
        wait_for(&client, "button.toggle-customer")
            .await
            .click()
            .await
            .unwrap();
        wait_for(&client, ".customer-access button.confirm-action")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "h2.customer-title", "Disabled").await;
        (token, shown_error, snippet, copied, command)
    }
    .await;
    client.close().await.unwrap();
    let (token, shown_error, snippet, copied, command) = outcome;

    let customer = graphql_ok(
        &server,
        &admin,
        "{ organization(urlName: \"acme\") { customer(idOrUrlName: \"globex\") {
             id enabled composerRepository { url authJson }
             packages { name versionConstraint expirationDate minimumAccessibleStability } } } }",
        json!({}),
    )
    .await["organization"]["customer"]
        .clone();
    assert_eq!(
        customer["packages"],
        json!([{ "name": "acme/widget", "versionConstraint": "^1.0", "expirationDate": null, "minimumAccessibleStability": null }]),
        "{customer}"
    );
    // The page showed the server's own refusal of the bad constraint.
    let refused = server
        .graphql(
            Some(&admin),
            "mutation($id: ID!, $c: String!) { addOrEditCustomerPackages(customerId: $id, packages: [{ name: \"acme/widget\", versionConstraint: $c }]) { name } }",
            json!({ "id": customer["id"], "c": bad_constraint }),
        )
        .await;
    let error = &refused["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    assert_eq!(
        error["extensions"]["field"], "versionConstraint",
        "{refused}"
    );
    assert_eq!(shown_error, error["message"].as_str().unwrap());
    // What the page shows and copies is the server's auth.json, placeholder included.
    let auth_json = customer["composerRepository"]["authJson"].as_str().unwrap();
    let host = server.base_url.trim_start_matches("http://");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(auth_json).unwrap(),
        json!({ "http-basic": { host: { "username": "token", "password": "<customer token>" } } })
    );
    assert_eq!(snippet, auth_json);
    assert_eq!(copied, auth_json);
    let url = customer["composerRepository"]["url"].as_str().unwrap();
    assert_eq!(
        command,
        format!("composer config repositories.acme composer {url}")
    );

    // Disabled after the confirming click. (The customer repository's endpoints, where
    // the token would be refused now, are not routed yet.)
    assert_eq!(customer["enabled"], false);
    assert!(token.len() > "pyc_".len());
}

/// What the copy button at `button` put on the clipboard. Headless Chromium may refuse to
/// let the page read the clipboard back; then the button is clicked again with the
/// Clipboard API's `writeText` recorded, which is what the button calls.
async fn read_clipboard(client: &fantoccini::Client, button: &str) -> String {
    let read = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.clipboard.readText().then((text) => done({ text }), (e) => done({ error: String(e) }));",
            vec![],
        )
        .await
        .unwrap();
    if let Some(text) = read["text"].as_str() {
        return text.to_owned();
    }
    eprintln!(
        "clipboard not readable here ({}); recording writeText",
        read["error"]
    );
    client
        .execute(
            "const clipboard = navigator.clipboard;
             const write = clipboard.writeText.bind(clipboard);
             window.copiedText = null;
             clipboard.writeText = (text) => { window.copiedText = text; return write(text); };",
            vec![],
        )
        .await
        .unwrap();
    client
        .find(Locator::Css(button))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let copied = client
            .execute("return window.copiedText", vec![])
            .await
            .unwrap();
        if let Some(text) = copied.as_str() {
            return text.to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{button} copied nothing"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
