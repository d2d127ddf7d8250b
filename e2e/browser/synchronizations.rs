//! The Synchronization tab against a local fake GitHub Enterprise Server (an axum server
//! answering GitHub's real paths and JSON, two repositories a page with `Link` paging,
//! tokens checked like GitHub does): the owner connects the organization through the
//! form, follows the first run and a "Synchronize now" run live, sees the packages it
//! brought, and a connection with a refused token shows its failed run with the host's
//! message.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use fantoccini::Locator;
use serde_json::{Value, json};
use tokio::sync::watch;

use super::{browser, sign_in, wait_for, wait_for_text, wait_for_text_matching};
use crate::support::composer::graphql_ok;
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Server, artifacts_dir};

const TOKEN: &str = "ghp_e2e_valid_token";
/// GitHub's answer to a token it does not know.
const REFUSAL: &str = "Bad credentials";
const PER_PAGE: usize = 2;

/// `(url, secret)` of each hook created on one repository.
type Hooks = Vec<(String, String)>;

#[derive(Clone)]
struct FakeGitHub {
    /// `(name, clone URL, composer.json or none)`, in the order GitHub lists them.
    repos: Arc<Vec<(&'static str, String, Option<String>)>>,
    /// Hooks created, per repository.
    hooks: Arc<Mutex<HashMap<String, Hooks>>>,
    /// While `false`, reading `util`'s composer.json waits: a run stays in the middle,
    /// for the page to be seen following it.
    util_open: watch::Sender<bool>,
}

impl FakeGitHub {
    fn hooks_of(&self, repo: &str) -> Hooks {
        self.hooks
            .lock()
            .unwrap()
            .get(repo)
            .cloned()
            .unwrap_or_default()
    }
}

fn not_found() -> Response {
    let body =
        json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest" });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

async fn require_token(request: Request, next: Next) -> Response {
    let authorization = request
        .headers()
        .get("authorization")
        .and_then(|value| value.to_str().ok());
    if authorization == Some(&format!("Bearer {TOKEN}")) {
        next.run(request).await
    } else {
        let body =
            json!({ "message": REFUSAL, "documentation_url": "https://docs.github.com/rest" });
        (StatusCode::UNAUTHORIZED, Json(body)).into_response()
    }
}

async fn org_repos(
    State(host): State<FakeGitHub>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let start = (page - 1) * PER_PAGE;
    let items: Vec<Value> = host
        .repos
        .iter()
        .enumerate()
        .skip(start)
        .take(PER_PAGE)
        .map(|(index, (name, clone_url, _))| {
            json!({
                "id": 1000 + index,
                "name": name,
                "full_name": format!("{org}/{name}"),
                "private": true,
                "owner": { "login": org, "type": "Organization" },
                "html_url": format!("https://github.example.com/{org}/{name}"),
                "clone_url": clone_url,
                "default_branch": "main",
                "archived": false,
                "permissions": { "admin": true, "maintain": true, "push": true, "triage": true, "pull": true },
            })
        })
        .collect();
    let mut response = Json(items).into_response();
    if start + PER_PAGE < host.repos.len() {
        let link = format!(
            "<http://{}/api/v3/orgs/{org}/repos?type=all&per_page=100&page={}>; rel=\"next\"",
            headers["host"].to_str().unwrap(),
            page + 1
        );
        response.headers_mut().insert("link", link.parse().unwrap());
    }
    response
}

async fn composer_json(
    State(host): State<FakeGitHub>,
    Path((_, repo)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    assert_eq!(query.get("ref").map(String::as_str), Some("main"));
    if repo == "util" {
        let mut open = host.util_open.subscribe();
        open.wait_for(|open| *open).await.unwrap();
    }
    match host.repos.iter().find(|(name, _, _)| *name == repo) {
        Some((_, _, Some(manifest))) => Json(json!({
            "type": "file",
            "encoding": "base64",
            "name": "composer.json",
            "path": "composer.json",
            "content": base64::engine::general_purpose::STANDARD.encode(manifest),
        }))
        .into_response(),
        _ => not_found(),
    }
}

/// One team, Developers: it pushes to `lib` and maintains `util`, so Packyard makes it and
/// its "(maintain)" twin. Its member has no Packyard account linked.
async fn org_teams(Path(org): Path<String>) -> Response {
    Json(json!([{
        "id": 77, "node_id": "T_77", "name": "Developers", "slug": "developers",
        "privacy": "closed", "permission": "pull",
        "url": format!("https://github.example.com/api/v3/organizations/1/team/77"),
        "members_url": format!("https://github.example.com/api/v3/orgs/{org}/teams/developers/members{{/member}}"),
    }]))
    .into_response()
}

async fn team_members(Path((_, slug)): Path<(String, String)>) -> Response {
    assert_eq!(slug, "developers");
    Json(json!([{ "id": 9001, "login": "octo-dev", "type": "User", "site_admin": false }]))
        .into_response()
}

async fn team_repos(
    State(host): State<FakeGitHub>,
    Path((org, slug)): Path<(String, String)>,
) -> Response {
    assert_eq!(slug, "developers");
    let repos: Vec<Value> = host
        .repos
        .iter()
        .filter(|(name, _, _)| *name != "docs")
        .map(|(name, clone_url, _)| {
            let maintain = *name == "util";
            json!({
                "name": name,
                "full_name": format!("{org}/{name}"),
                "clone_url": clone_url,
                "default_branch": "main",
                "permissions": { "admin": false, "maintain": maintain, "push": true, "triage": true, "pull": true },
            })
        })
        .collect();
    Json(repos).into_response()
}

async fn list_hooks(
    State(host): State<FakeGitHub>,
    Path((_, repo)): Path<(String, String)>,
) -> Response {
    let hooks: Vec<Value> = host
        .hooks_of(&repo)
        .iter()
        .enumerate()
        .map(|(id, (url, _))| {
            json!({ "id": id + 1, "name": "web", "active": true, "events": ["push"],
                    "config": { "url": url, "content_type": "json", "insecure_ssl": "0" } })
        })
        .collect();
    Json(hooks).into_response()
}

async fn create_hook(
    State(host): State<FakeGitHub>,
    Path((_, repo)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    let (Some(url), Some(secret)) = (
        body.pointer("/config/url").and_then(Value::as_str),
        body.pointer("/config/secret").and_then(Value::as_str),
    ) else {
        let refusal = json!({ "message": "Validation Failed" });
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(refusal)).into_response();
    };
    host.hooks
        .lock()
        .unwrap()
        .entry(repo)
        .or_default()
        .push((url.to_owned(), secret.to_owned()));
    (
        StatusCode::CREATED,
        Json(json!({ "id": 1, "config": { "url": url } })),
    )
        .into_response()
}

/// `lib` and `util` with a composer.json, `docs` without; returns the API's base URL.
async fn fake_github(dir: &std::path::Path) -> (String, FakeGitHub) {
    let mut repos = Vec::new();
    for (name, composer) in [("lib", true), ("docs", false), ("util", true)] {
        let repo = GitRepo::init(&dir.join(name), "main");
        let manifest =
            composer.then(|| library_manifest(&format!("acme/{name}"), "Acme\\Pkg", &[]));
        match &manifest {
            Some(manifest) => repo.commit(&[("composer.json", manifest)], "first"),
            None => repo.commit(&[("README.md", "docs")], "first"),
        };
        repo.tag("v1.0.0");
        repos.push((name, repo.url(), manifest));
    }
    let host = FakeGitHub {
        repos: Arc::new(repos),
        hooks: Arc::default(),
        util_open: watch::Sender::new(true),
    };
    let api = Router::new()
        .route("/orgs/{org}/repos", get(org_repos))
        .route(
            "/repos/{owner}/{repo}/contents/composer.json",
            get(composer_json),
        )
        .route(
            "/repos/{owner}/{repo}/hooks",
            get(list_hooks).post(create_hook),
        )
        .route("/orgs/{org}/teams", get(org_teams))
        .route("/orgs/{org}/teams/{slug}/members", get(team_members))
        .route("/orgs/{org}/teams/{slug}/repos", get(team_repos))
        .layer(axum::middleware::from_fn(require_token))
        .with_state(host.clone());
    let app = Router::new().nest("/api/v3", api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());
    (format!("http://{address}/api/v3"), host)
}

async fn create_credential(
    server: &Server,
    token: &str,
    description: &str,
    secret: &str,
) -> String {
    let created = graphql_ok(
        server,
        token,
        "mutation($d: String!, $t: String!) { createCredential(organization: \"acme\", description: $d, type: GITHUB_OAUTH, domain: \"127.0.0.1\", token: $t) { id } }",
        json!({ "d": description, "t": secret }),
    )
    .await;
    created["createCredential"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Fills the connect form for a GitHub Enterprise Server organization and sends it.
async fn connect(client: &fantoccini::Client, api_url: &str, name: &str, credential_id: &str) {
    let form = "form.create-synchronization-form";
    wait_for(client, &format!("{form} select[name=host]"))
        .await
        .select_by_value("github-enterprise")
        .await
        .unwrap();
    let api_input = wait_for(client, &format!("{form} input[name=apiUrl]")).await;
    api_input.clear().await.unwrap();
    api_input.send_keys(api_url).await.unwrap();
    let name_input = wait_for(client, &format!("{form} input[name=name]")).await;
    name_input.clear().await.unwrap();
    name_input.send_keys(name).await.unwrap();
    wait_for(client, &format!("{form} select[name=credentialId]"))
        .await
        .select_by_value(credential_id)
        .await
        .unwrap();
    client
        .find(Locator::Css(&format!("{form} button[type=submit]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_connects_github_and_follows_the_runs_live() {
    let dir = tempfile::tempdir().unwrap();
    let (api_url, github) = fake_github(&dir.path().join("git")).await;
    let server = Server::start(
        &dir.path().join("data"),
        None,
        &[
            // The fake host and the repositories are on this machine.
            ("PACKYARD_ALLOW_LOCAL_WEBHOOKS", "true"),
            ("PACKYARD_ALLOW_LOCAL_REPOSITORIES", "true"),
        ],
    )
    .await;
    let password = server.first_admin_password().unwrap();
    let admin = server.admin_token(&password).await;
    graphql_ok(
        &server,
        &admin,
        "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
        json!({}),
    )
    .await;
    let good = create_credential(&server, &admin, "GitHub bot", TOKEN).await;
    let revoked = create_credential(&server, &admin, "Revoked token", "ghp_revoked").await;

    let (client, _driver, _profile) = browser().await;
    async {
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme", server.base_url))
            .await
            .unwrap();
        wait_for(&client, "nav.tabs a[href=\"/orgs/acme/synchronizations\"]")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, ".synchronizations-panel .empty-note", "Not connected").await;

        // The server's own refusal of an API URL it will not call, at that input.
        connect(&client, "ftp://github.example.com", "acme", &good).await;
        let refusal = wait_for(&client, "#apiUrl-error").await.text().await.unwrap();
        assert!(refusal.contains("http(s)"), "{refusal}");

        // Connected: the first run is followed until it succeeded.
        connect(&client, &api_url, "acme", &good).await;
        let card = "li.synchronization[data-name=acme]";
        wait_for_text(&client, &format!("{card} .sync-host"), "GitHub").await;
        wait_for_text(&client, &format!("{card} .sync-api-url"), &api_url).await;
        wait_for(&client, &format!("{card} .sync-status[data-status=SUCCESS]")).await;
        let log = wait_for_text(
            &client,
            &format!("{card} .job-log pre"),
            "acme/lib: package added, hook installed",
        )
        .await;
        assert!(log.contains("acme/docs: no composer.json, skipped"), "{log}");
        assert!(log.contains("acme/util: package added, hook installed"), "{log}");
        // Both listing pages were read.
        assert!(log.contains("3 repositories"), "{log}");
        // The host's team and its "(maintain)" twin, without members: nobody signs in
        // with this host here.
        wait_for_text(&client, &format!("{card} .sync-team-list li[data-name=\"Developers\"]"), "0 members").await;
        wait_for_text(
            &client,
            &format!("{card} .sync-team-list li[data-name=\"Developers (maintain)\"]"),
            "0 members",
        )
        .await;
        wait_for_text(&client, &format!("{card} .sync-members"), "Not matched").await;

        // "Synchronize now", with the host slow on the last repository: the page shows
        // the run in the middle, as the subscription reports it.
        github.util_open.send_replace(false);
        wait_for(&client, "button.sync-now-button")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, &format!("{card} .sync-status"), "Running").await;
        let running = wait_for(&client, &format!("{card} .job-progress[data-status=RUNNING]")).await;
        wait_for_text(
            &client,
            &format!("{card} .job-step"),
            "repository 3/3: acme/util",
        )
        .await;
        let percent: u32 = running
            .attr("data-progress")
            .await
            .unwrap()
            .unwrap()
            .parse()
            .unwrap();
        assert!((10..100).contains(&percent), "{percent}");
        let partial = wait_for_text(
            &client,
            &format!("{card} .job-log pre"),
            "acme/lib: package present, hook present",
        )
        .await;
        assert!(!partial.contains("acme/util"), "{partial}");
        assert_eq!(
            wait_for(&client, "button.sync-now-button")
                .await
                .text()
                .await
                .unwrap(),
            "Synchronizing…"
        );
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("synchronization-running.png"), screenshot).unwrap();

        github.util_open.send_replace(true);
        wait_for_text(&client, &format!("{card} .sync-status"), "Succeeded").await;
        wait_for_text(
            &client,
            &format!("{card} .job-log pre"),
            "acme/util: package present, hook present",
        )
        .await;
        let last_run = wait_for_text_matching(&client, &format!("{card} .sync-last-run"), "a time in UTC", |text| {
            text.ends_with(" UTC")
        })
        .await;
        let today = server
            .graphql(Some(&admin), "{ organization(urlName: \"acme\") { synchronizations { lastJob { finishedAt } } } }", json!({}))
            .await["data"]["organization"]["synchronizations"][0]["lastJob"]["finishedAt"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(last_run, format!("{} {} UTC", &today[..10], &today[11..16]));
        wait_for_text_matching(&client, &format!("{card} .sync-last-synced"), "a time in UTC", |text| {
            text.ends_with(" UTC")
        })
        .await;
        wait_for_text(&client, "button.sync-now-button", "Synchronize now").await;

        // A token the host refuses: the failed run, with the host's message.
        connect(&client, &api_url, "globex", &revoked).await;
        let refused = "li.synchronization[data-name=globex]";
        wait_for_text(&client, &format!("{refused} .sync-status[data-status=ERROR]"), "Failed").await;
        let error = wait_for(&client, &format!("{refused} p.job-error"))
            .await
            .text()
            .await
            .unwrap();
        assert!(error.contains(REFUSAL), "{error}");
        assert!(error.contains("401"), "{error}");
        client.set_window_size(1280, 2000).await.unwrap();
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("synchronizations.png"), screenshot).unwrap();

        // Removing it asks once more.
        client
            .find(Locator::Css(&format!("{refused} button.remove-synchronization")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, &format!("{refused} button.confirm-action"))
            .await
            .click()
            .await
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while client.find(Locator::Css(refused)).await.is_ok() {
            assert!(std::time::Instant::now() < deadline, "globex stayed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        wait_for(&client, card).await;

        // The packages the runs brought, on the Packages tab.
        client
            .find(Locator::Css("nav.tabs a[href=\"/orgs/acme\"]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "ul.package-list", "acme/lib").await;
        wait_for_text(&client, "ul.package-list", "acme/util").await;

        // The Teams tab marks the teams the synchronization manages.
        client
            .find(Locator::Css("nav.tabs a[href=\"/orgs/acme/teams\"]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, "table.teams tr[data-name=\"Developers\"] .team-synchronized").await;
        wait_for(&client, "table.teams tr[data-name=\"Developers (maintain)\"] .team-synchronized").await;
        assert!(
            client
                .find_all(Locator::Css("table.teams tr[data-name=\"Owners\"] .team-synchronized"))
                .await
                .unwrap()
                .is_empty()
        );
    }
    .await;
    client.close().await.unwrap();

    // Each repository with a composer.json got one hook: the organization's, with its secret.
    let package = graphql_ok(
        &server,
        &admin,
        "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { webhookUrl webhookSecret } } }",
        json!({}),
    )
    .await["organization"]["package"]
        .clone();
    let expected = vec![(
        package["webhookUrl"].as_str().unwrap().to_owned(),
        package["webhookSecret"].as_str().unwrap().to_owned(),
    )];
    assert_eq!(github.hooks_of("lib"), expected);
    assert_eq!(github.hooks_of("util"), expected);
    assert!(github.hooks_of("docs").is_empty());
    let left = graphql_ok(
        &server,
        &admin,
        "{ organization(urlName: \"acme\") { synchronizations { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        left["organization"]["synchronizations"],
        json!([{ "name": "acme" }])
    );
}
