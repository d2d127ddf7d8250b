//! Synchronizing with a code host, against a local server that answers the real paths and
//! JSON shapes of GitHub, GitLab and Bitbucket Cloud (paged): repositories with a
//! composer.json become packages, the others are skipped, each gets Packyard's hook with
//! the organization's secret, and a second run adds nothing twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Client, TestApp};

both_backends!(
    a_github_organization_becomes_packages_with_hooks,
    a_gitlab_group_becomes_packages_with_hooks,
    a_bitbucket_workspace_becomes_packages_with_hooks,
    a_refused_credential_fails_the_run_with_the_hosts_message,
    a_bundle_linked_to_a_synchronization_receives_its_new_packages,
);

/// A repository at the fake host: its name, its clone URL (a local repository), whether it
/// has a composer.json.
#[derive(Clone)]
struct Repo {
    name: &'static str,
    clone_url: String,
    composer: bool,
    archived: bool,
}

/// `(url, secret)` of each hook created.
type Hooks = Vec<(String, String)>;

#[derive(Clone, Default)]
struct Host {
    repos: Arc<Vec<Repo>>,
    /// Hooks created, per repository name: (url, secret).
    hooks: Arc<Mutex<HashMap<String, Hooks>>>,
    expected_auth: Arc<String>,
}

impl Host {
    fn authorized(&self, headers: &HeaderMap) -> bool {
        headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            == Some(self.expected_auth.as_str())
    }

    fn repo(&self, name: &str) -> Option<&Repo> {
        self.repos.iter().find(|repo| repo.name == name)
    }

    fn hooks_of(&self, name: &str) -> Vec<(String, String)> {
        self.hooks
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .unwrap_or_default()
    }

    fn record_hook(&self, name: &str, url: &str, secret: &str) {
        self.hooks
            .lock()
            .unwrap()
            .entry(name.to_owned())
            .or_default()
            .push((url.to_owned(), secret.to_owned()));
    }
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "message": "Bad credentials" })),
    )
        .into_response()
}

/// Two per page, so that every listing needs the host's paging.
const PAGE: usize = 2;

fn page_of(repos: &[Repo], page: usize) -> (Vec<Repo>, bool) {
    let start = (page - 1) * PAGE;
    let items = repos.iter().skip(start).take(PAGE).cloned().collect();
    (items, start + PAGE < repos.len())
}

fn router(host: Host) -> Router {
    Router::new()
        // GitHub
        .route("/orgs/{org}/repos", get(github_repos))
        .route(
            "/repos/{owner}/{repo}/contents/composer.json",
            get(
                |State(host): State<Host>,
                 Path((_, repo)): Path<(String, String)>| async move {
                    composer(&host, &repo)
                },
            ),
        )
        .route(
            "/repos/{owner}/{repo}/hooks",
            get(
                |State(host): State<Host>,
                 Path((_, repo)): Path<(String, String)>| async move {
                    let hooks: Vec<Value> = host
                        .hooks_of(&repo)
                        .iter()
                        .map(|(url, _)| json!({ "id": 1, "config": { "url": url } }))
                        .collect();
                    Json(hooks).into_response()
                },
            )
            .post(
                |State(host): State<Host>,
                 Path((_, repo)): Path<(String, String)>,
                 Json(body): Json<Value>| async move {
                    assert_eq!(body["events"], json!(["push"]));
                    assert_eq!(body["config"]["content_type"], "json");
                    host.record_hook(
                        &repo,
                        body["config"]["url"].as_str().unwrap(),
                        body["config"]["secret"].as_str().unwrap(),
                    );
                    (StatusCode::CREATED, Json(json!({ "id": 1 }))).into_response()
                },
            ),
        )
        // GitLab
        .route("/api/v4/groups/{group}/projects", get(gitlab_projects))
        .route(
            "/api/v4/projects/{id}/repository/files/composer.json/raw",
            get(
                |State(host): State<Host>, Path(id): Path<usize>| async move {
                    let name = host.repos[id - 1].name;
                    composer(&host, name)
                },
            ),
        )
        .route(
            "/api/v4/projects/{id}/hooks",
            get(
                |State(host): State<Host>, Path(id): Path<usize>| async move {
                    let hooks: Vec<Value> = host
                        .hooks_of(host.repos[id - 1].name)
                        .iter()
                        .map(|(url, _)| json!({ "id": 7, "url": url }))
                        .collect();
                    Json(hooks).into_response()
                },
            )
            .post(
                |State(host): State<Host>,
                 Path(id): Path<usize>,
                 Json(body): Json<Value>| async move {
                    assert_eq!(body["push_events"], true);
                    assert_eq!(body["tag_push_events"], true);
                    host.record_hook(
                        host.repos[id - 1].name,
                        body["url"].as_str().unwrap(),
                        body["token"].as_str().unwrap(),
                    );
                    (StatusCode::CREATED, Json(json!({ "id": 7 }))).into_response()
                },
            ),
        )
        // Bitbucket Cloud
        .route("/2.0/repositories/{workspace}", get(bitbucket_repos))
        .route(
            "/2.0/repositories/{workspace}/{slug}/src/{branch}/composer.json",
            get(
                |State(host): State<Host>,
                 Path((_, slug, _)): Path<(String, String, String)>| async move {
                    composer(&host, &slug)
                },
            ),
        )
        .route(
            "/2.0/repositories/{workspace}/{slug}/hooks",
            get(
                |State(host): State<Host>,
                 Path((_, slug)): Path<(String, String)>| async move {
                    let hooks: Vec<Value> = host
                        .hooks_of(&slug)
                        .iter()
                        .map(|(url, _)| json!({ "uuid": "{1}", "url": url }))
                        .collect();
                    Json(json!({ "values": hooks })).into_response()
                },
            )
            .post(
                |State(host): State<Host>,
                 Path((_, slug)): Path<(String, String)>,
                 Json(body): Json<Value>| async move {
                    assert_eq!(body["events"], json!(["repo:push"]));
                    host.record_hook(
                        &slug,
                        body["url"].as_str().unwrap(),
                        body["secret"].as_str().unwrap(),
                    );
                    (StatusCode::CREATED, Json(json!({ "uuid": "{1}" }))).into_response()
                },
            ),
        )
        // Every endpoint wants the credential, as the hosts do.
        .layer(axum::middleware::from_fn_with_state(host.clone(), require_credential))
        .with_state(host)
}

async fn require_credential(
    State(host): State<Host>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if host.authorized(request.headers()) {
        next.run(request).await
    } else {
        unauthorized()
    }
}

fn composer(host: &Host, name: &str) -> Response {
    match host.repo(name) {
        Some(repo) if repo.composer => "{\"name\":\"x/y\"}".into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "Not Found" })),
        )
            .into_response(),
    }
}

async fn github_repos(
    State(host): State<Host>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let page: usize = query
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    let (items, more) = page_of(&host.repos, page);
    let items: Vec<Value> = items
        .iter()
        .map(|repo| {
            json!({
                "full_name": format!("{org}/{}", repo.name),
                "clone_url": repo.clone_url,
                "default_branch": "main",
                "archived": repo.archived,
            })
        })
        .collect();
    let mut response = Json(items).into_response();
    if more {
        let link = format!(
            "<http://{}/orgs/{org}/repos?type=all&per_page=100&page={}>; rel=\"next\"",
            headers["host"].to_str().unwrap(),
            page + 1
        );
        response.headers_mut().insert("link", link.parse().unwrap());
    }
    response
}

async fn gitlab_projects(
    State(host): State<Host>,
    Path(group): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    assert_eq!(
        query.get("include_subgroups").map(String::as_str),
        Some("true")
    );
    let page: usize = query
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    let (items, more) = page_of(&host.repos, page);
    let items: Vec<Value> = items
        .iter()
        .map(|repo| {
            let id = host
                .repos
                .iter()
                .position(|known| known.name == repo.name)
                .unwrap()
                + 1;
            json!({
                "id": id,
                "path_with_namespace": format!("{group}/{}", repo.name),
                "http_url_to_repo": repo.clone_url,
                "default_branch": "main",
                "archived": repo.archived,
            })
        })
        .collect();
    let mut response = Json(items).into_response();
    let next = if more {
        (page + 1).to_string()
    } else {
        String::new()
    };
    response
        .headers_mut()
        .insert("x-next-page", next.parse().unwrap());
    response
}

async fn bitbucket_repos(
    State(host): State<Host>,
    headers: HeaderMap,
    Path(workspace): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let page: usize = query
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    // Bitbucket Cloud has no archived repositories.
    let listed: Vec<Repo> = host
        .repos
        .iter()
        .filter(|repo| !repo.archived)
        .cloned()
        .collect();
    let (items, more) = page_of(&listed, page);
    let values: Vec<Value> = items
        .iter()
        .map(|repo| {
            json!({
                "full_name": format!("{workspace}/{}", repo.name),
                "mainbranch": { "name": "main" },
                "links": { "clone": [
                    { "name": "https", "href": repo.clone_url },
                    { "name": "ssh", "href": format!("git@bitbucket.org:{workspace}/{}.git", repo.name) }
                ] }
            })
        })
        .collect();
    let mut body = json!({ "values": values, "pagelen": PAGE });
    if more {
        body["next"] = format!(
            "http://{}/2.0/repositories/{workspace}?role=member&pagelen=100&page={}",
            headers["host"].to_str().unwrap(),
            page + 1
        )
        .into();
    }
    Json(body).into_response()
}

/// Three repositories with a composer.json (one archived, which is left out) and one
/// without; returns the fake host's base URL.
async fn fake_host(dir: &std::path::Path, expected_auth: &str) -> (String, Host) {
    let mut repos = Vec::new();
    for (name, composer, archived) in [
        ("lib", true, false),
        ("docs", false, false),
        ("util", true, false),
        ("old", true, true),
    ] {
        let repo = GitRepo::init(&dir.join(name), "main");
        if composer {
            let manifest = library_manifest(&format!("acme/{name}"), "Acme\\X", &[]);
            repo.commit(&[("composer.json", &manifest)], "first");
        } else {
            repo.commit(&[("README.md", "docs")], "first");
        }
        repo.tag("v1.0.0");
        repos.push(Repo {
            name,
            clone_url: repo.url(),
            composer,
            archived,
        });
    }
    let host = Host {
        repos: Arc::new(repos),
        hooks: Arc::default(),
        expected_auth: Arc::new(expected_auth.to_owned()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, router(host.clone())).into_future());
    (format!("http://{address}"), host)
}

/// A server that may call the local fake host, with organization `acme` of `owner` and
/// a credential of the given type.
async fn setup(app: TestApp, credential: Value) -> (TestApp, Client, String) {
    let mut app = app;
    app.stop_worker().await;
    let database_url = app.state.config.database_url.clone();
    let app = TestApp::start_with(database_url, |config| {
        config.allow_local_webhooks = true;
    })
    .await;
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let created = owner
        .graphql(
            "mutation($t: CredentialType!, $u: String, $p: String, $k: String) { createCredential(organization: \"acme\", description: \"host\", type: $t, domain: \"127.0.0.1\", username: $u, password: $p, token: $k) { id } }",
            credential,
        )
        .await;
    let credential_id = created.data()["createCredential"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (app, owner, credential_id)
}

const CREATE: &str = "mutation($h: CodeHost!, $n: String!, $c: ID!, $a: String) { createSynchronization(organization: \"acme\", host: $h, name: $n, credentialId: $c, apiUrl: $a) { synchronization { id name host } job { id } } }";

async fn names(owner: &Client) -> Vec<String> {
    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { packages { nodes { name } } } }",
            json!({}),
        )
        .await;
    let mut names: Vec<String> = listed.data()["organization"]["packages"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["name"].as_str().unwrap_or("(unread)").to_owned())
        .collect();
    names.sort();
    names
}

/// Runs the synchronization of `host` at `api_url` twice and checks its effects.
async fn synchronize_twice(
    app: &TestApp,
    owner: &Client,
    fake: &Host,
    host: &str,
    name: &str,
    api_url: &str,
    credential_id: &str,
) {
    let created = owner
        .graphql(
            CREATE,
            json!({ "h": host, "n": name, "c": credential_id, "a": api_url }),
        )
        .await;
    let created = &created.data()["createSynchronization"];
    assert_eq!(created["synchronization"]["name"], name);
    let job = app.wait_for_job(owner, &created["job"]["id"]).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    // The packages' own first reads.
    wait_for_idle(app, owner).await;
    assert_eq!(names(owner).await, ["acme/lib", "acme/util"]);

    let secret = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { webhookUrl webhookSecret } } }",
            json!({}),
        )
        .await;
    let package = &secret.data()["organization"]["package"];
    let expected = (
        package["webhookUrl"].as_str().unwrap().to_owned(),
        package["webhookSecret"].as_str().unwrap().to_owned(),
    );
    assert_eq!(fake.hooks_of("lib"), std::slice::from_ref(&expected));
    push_through_installed_hook(fake).await;
    assert_eq!(fake.hooks_of("util"), [expected]);
    assert!(fake.hooks_of("docs").is_empty());
    assert!(fake.hooks_of("old").is_empty());

    // Again: nothing twice.
    let again = owner
        .graphql(
            "mutation { syncOrganization(organization: \"acme\") { id } }",
            json!({}),
        )
        .await;
    let job = app
        .wait_for_job(owner, &again.data()["syncOrganization"][0]["id"])
        .await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    assert!(
        job["log"]
            .as_str()
            .unwrap_or_default()
            .contains("hook present"),
        "{job}"
    );
    wait_for_idle(app, owner).await;
    assert_eq!(names(owner).await, ["acme/lib", "acme/util"]);
    assert_eq!(fake.hooks_of("lib").len(), 1);
    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { synchronizations { name lastSyncedAt lastJob { status } } } }",
            json!({}),
        )
        .await;
    let synchronization = &listed.data()["organization"]["synchronizations"][0];
    assert!(
        synchronization["lastSyncedAt"].is_string(),
        "{synchronization}"
    );
    assert_eq!(synchronization["lastJob"]["status"], "SUCCESS");
}

/// What the host would send on a push to `lib`, through the hook the sync installed:
/// signed with the secret the sync gave it, it queues the package's update.
async fn push_through_installed_hook(fake: &Host) {
    use hmac::{Hmac, Mac};
    let (url, secret) = fake.hooks_of("lib").remove(0);
    let clone_url = &fake.repo("lib").unwrap().clone_url;
    let body = serde_json::to_vec(&json!({
        "ref": "refs/heads/main",
        "repository": { "full_name": "acme/lib", "html_url": clone_url, "clone_url": clone_url }
    }))
    .unwrap();
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&body);
    let response = reqwest::Client::new()
        .post(&url)
        .header("x-github-event", "push")
        .header("content-type", "application/json")
        .header(
            "x-hub-signature-256",
            format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
}

/// Until no job of the organization waits or runs.
async fn wait_for_idle(app: &TestApp, owner: &Client) {
    for _ in 0..300 {
        let jobs = owner
            .graphql(
                "{ organization(urlName: \"acme\") { jobs(first: 100) { nodes { id status } } } }",
                json!({}),
            )
            .await;
        let busy = jobs.data()["organization"]["jobs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|job| job["status"] == "QUEUED" || job["status"] == "RUNNING");
        if !busy {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = app;
    panic!("the organization's jobs did not finish");
}

async fn a_github_organization_becomes_packages_with_hooks(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, fake) = fake_host(dir.path(), "Bearer ghp_test").await;
    let (app, owner, credential) =
        setup(app, json!({ "t": "GITHUB_OAUTH", "k": "ghp_test" })).await;
    synchronize_twice(&app, &owner, &fake, "GITHUB", "acme-gh", &base, &credential).await;

    // The schedule: nothing is due within the interval of the last run; once it has
    // passed, the synchronization runs again by itself.
    use packyard::domain::synchronizations::enqueue_due;
    let (db, jobs) = (&app.state.db, &app.state.jobs);
    let due = enqueue_due(db, jobs, chrono::Duration::hours(1))
        .await
        .unwrap();
    assert!(due.is_empty());
    let due = enqueue_due(db, jobs, chrono::Duration::zero())
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    let job = app
        .wait_for_job(&owner, &json!(due[0].id.to_string()))
        .await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
}

/// A vendor bundle linked to a synchronization receives the packages it adds.
async fn a_bundle_linked_to_a_synchronization_receives_its_new_packages(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, _fake) = fake_host(dir.path(), "Bearer ghp_test").await;
    let (mut app, owner, credential) =
        setup(app, json!({ "t": "GITHUB_OAUTH", "k": "ghp_test" })).await;
    // The bundle must exist before the first run: the worker waits until it does.
    app.stop_worker().await;
    let created = owner
        .graphql(
            CREATE,
            json!({ "h": "GITHUB", "n": "acme-gh", "c": credential, "a": base }),
        )
        .await;
    let created = &created.data()["createSynchronization"];
    let bundle = owner
        .graphql(
            "mutation($s: [ID!]!) { createVendorBundle(organization: \"acme\", name: \"Synced\", synchronizationIds: $s) { id synchronizationIds } }",
            json!({ "s": [created["synchronization"]["id"]] }),
        )
        .await;
    let bundle = &bundle.data()["createVendorBundle"];
    assert_eq!(
        bundle["synchronizationIds"],
        json!([created["synchronization"]["id"]])
    );
    app.start_worker();
    let job = app.wait_for_job(&owner, &created["job"]["id"]).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    wait_for_idle(&app, &owner).await;
    let listed = owner
        .graphql(
            "query($b: ID!) { organization(urlName: \"acme\") { vendorBundle(id: $b) { packages { package { name } } } } }",
            json!({ "b": bundle["id"] }),
        )
        .await;
    let mut names: Vec<&str> = listed.data()["organization"]["vendorBundle"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["package"]["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["acme/lib", "acme/util"]);
}

async fn a_gitlab_group_becomes_packages_with_hooks(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, fake) = fake_host(dir.path(), "Bearer glpat-test").await;
    let (app, owner, credential) =
        setup(app, json!({ "t": "GITLAB_TOKEN", "k": "glpat-test" })).await;
    let api = format!("{base}/api/v4");
    synchronize_twice(&app, &owner, &fake, "GITLAB", "acme/php", &api, &credential).await;
}

async fn a_bitbucket_workspace_becomes_packages_with_hooks(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    // Bitbucket app passwords go as HTTP Basic: base64("ci:app-pass").
    let (base, fake) = fake_host(dir.path(), "Basic Y2k6YXBwLXBhc3M=").await;
    let (app, owner, credential) = setup(
        app,
        json!({ "t": "BITBUCKET_APP_PW", "u": "ci", "p": "app-pass" }),
    )
    .await;
    let api = format!("{base}/2.0");
    synchronize_twice(&app, &owner, &fake, "BITBUCKET", "acme", &api, &credential).await;
}

async fn a_refused_credential_fails_the_run_with_the_hosts_message(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, _fake) = fake_host(dir.path(), "Bearer the-right-one").await;
    let (app, owner, credential) =
        setup(app, json!({ "t": "GITHUB_OAUTH", "k": "a-wrong-one" })).await;
    let created = owner
        .graphql(
            CREATE,
            json!({ "h": "GITHUB", "n": "acme-gh", "c": credential, "a": base }),
        )
        .await;
    let job = app
        .wait_for_job(
            &owner,
            &created.data()["createSynchronization"]["job"]["id"],
        )
        .await;
    assert_eq!(job["status"], "ERROR", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("401") && error.contains("Bad credentials"),
        "{job}"
    );
    assert!(names(&owner).await.is_empty());

    // Only owners, only a credential of the organization, only http(s) APIs.
    let bad_url = owner
        .graphql(
            CREATE,
            json!({ "h": "GITHUB", "n": "x", "c": credential, "a": "ftp://example.com" }),
        )
        .await;
    assert_eq!(bad_url.error_code(), "BAD_USER_INPUT");
    let twice = owner
        .graphql(
            CREATE,
            json!({ "h": "GITHUB", "n": "acme-gh", "c": credential, "a": base }),
        )
        .await;
    assert_eq!(twice.error_code(), "CONFLICT");
}
