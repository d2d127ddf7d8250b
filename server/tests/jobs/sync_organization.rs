//! Synchronizing with a code host, against a local server that answers the real paths and
//! JSON shapes of GitHub, GitLab, Bitbucket Cloud and Bitbucket Data Center (paged):
//! repositories with a composer.json become packages, the others are skipped, each gets
//! Packyard's hook with the organization's secret, and a second run adds nothing twice.
//! The host's teams become teams of the users who linked their accounts, and a member who
//! leaves the host loses the organization on the next run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
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
    github_teams_and_members_follow_the_host,
    gitlab_groups_become_teams_by_access_level,
    a_bitbucket_workspace_and_its_owners_become_teams,
    a_bitbucket_data_center_project_becomes_packages_hooks_and_teams,
    synchronized_packages_are_exempt_from_access_to_all_packages,
    a_synchronization_through_a_sign_in_uses_the_linked_account,
    a_github_organization_becomes_packages_with_hooks,
    a_gitlab_group_becomes_packages_with_hooks,
    a_bitbucket_workspace_becomes_packages_with_hooks,
    a_refused_credential_fails_the_run_with_the_hosts_message,
    refused_teams_fail_the_run_but_keep_its_packages,
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

/// Someone at the host: numeric id (GitHub, GitLab, Data Center), Bitbucket Cloud uuid,
/// and whether they administer (GitHub team `maintain`, GitLab Maintainer, Bitbucket
/// workspace owner, Data Center `PROJECT_ADMIN`).
#[derive(Clone)]
struct Person {
    login: &'static str,
    id: i64,
    uuid: &'static str,
    maintainer: bool,
}

fn people() -> Vec<Person> {
    vec![
        Person {
            login: "alice",
            id: 101,
            uuid: "{a1}",
            maintainer: true,
        },
        Person {
            login: "bob",
            id: 102,
            uuid: "{b2}",
            maintainer: false,
        },
        // Never signs in to Packyard.
        Person {
            login: "carol",
            id: 103,
            uuid: "{c3}",
            maintainer: false,
        },
    ]
}

#[derive(Clone, Default)]
struct Host {
    repos: Arc<Vec<Repo>>,
    /// The organization's members now; tests remove people to make them leave.
    people: Arc<Mutex<Vec<Person>>>,
    /// Hooks created, per repository name: (url, secret).
    hooks: Arc<Mutex<HashMap<String, Hooks>>>,
    expected_auth: Arc<String>,
    /// Refresh-token grants answered by the sign-in's token endpoint.
    refreshes: Arc<Mutex<Vec<String>>>,
    /// GitHub's team listing answers 403, as for a token without `read:org`.
    teams_refused: Arc<AtomicBool>,
    /// GitHub's `X-OAuth-Scopes`: the scopes of the token.
    scopes: Arc<Mutex<String>>,
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

    fn people(&self) -> Vec<Person> {
        self.people.lock().unwrap().clone()
    }

    fn leave(&self, login: &str) {
        self.people
            .lock()
            .unwrap()
            .retain(|person| person.login != login);
    }

    /// The repositories a listing shows (archived ones too, flagged).
    fn listed(&self) -> Vec<Repo> {
        self.repos.iter().cloned().collect()
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

fn page_of<T: Clone>(items: &[T], page: usize) -> (Vec<T>, bool) {
    let start = (page - 1) * PAGE;
    let found = items.iter().skip(start).take(PAGE).cloned().collect();
    (found, start + PAGE < items.len())
}

fn page_number(query: &HashMap<String, String>, key: &str) -> usize {
    query
        .get(key)
        .and_then(|page| page.parse().ok())
        .unwrap_or(1)
}

/// A GitHub-style page: a JSON list with `Link: <…&page=N>; rel="next"`.
fn linked_page(headers: &HeaderMap, path: &str, items: Vec<Value>, page: usize) -> Response {
    let (items, more) = page_of(&items, page);
    let mut response = Json(items).into_response();
    if more {
        let link = format!(
            "<http://{}{path}?per_page=100&page={}>; rel=\"next\"",
            headers["host"].to_str().unwrap(),
            page + 1
        );
        response.headers_mut().insert("link", link.parse().unwrap());
    }
    response
}

/// A GitLab-style page: a JSON list with `x-next-page` (empty on the last).
fn gitlab_page(items: Vec<Value>, page: usize) -> Response {
    let (items, more) = page_of(&items, page);
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

/// A Bitbucket Cloud page: `values` and a `next` URL.
fn bitbucket_page(headers: &HeaderMap, path: &str, items: Vec<Value>, page: usize) -> Response {
    let (values, more) = page_of(&items, page);
    let mut body = json!({ "values": values, "pagelen": PAGE });
    if more {
        body["next"] = format!(
            "http://{}{path}?pagelen=100&page={}",
            headers["host"].to_str().unwrap(),
            page + 1
        )
        .into();
    }
    Json(body).into_response()
}

/// A Bitbucket Data Center page: `values`, `isLastPage`, `nextPageStart`.
fn datacenter_page(items: Vec<Value>, query: &HashMap<String, String>) -> Response {
    let start: usize = query
        .get("start")
        .and_then(|start| start.parse().ok())
        .unwrap_or(0);
    let values: Vec<Value> = items.iter().skip(start).take(PAGE).cloned().collect();
    let last = start + PAGE >= items.len();
    let mut body =
        json!({ "values": values, "size": values.len(), "start": start, "isLastPage": last });
    if !last {
        body["nextPageStart"] = (start + PAGE).into();
    }
    Json(body).into_response()
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
        .route("/orgs/{org}/teams", get(github_teams))
        .route("/orgs/{org}/teams/{slug}/members", get(github_team_members))
        .route("/orgs/{org}/teams/{slug}/repos", get(github_team_repos))
        .route("/api/v4/groups/{group}", get(gitlab_group))
        .route("/api/v4/groups/{group}/descendant_groups", get(gitlab_subgroups))
        .route("/api/v4/groups/{group}/members/all", get(gitlab_members))
        .route("/2.0/workspaces/{workspace}/members", get(bitbucket_members))
        .route("/2.0/workspaces/{workspace}/permissions", get(bitbucket_permissions))
        // Bitbucket Data Center
        .route("/rest/api/latest/projects/{key}/repos", get(datacenter_repos))
        .route(
            "/rest/api/latest/projects/{key}/repos/{slug}/default-branch",
            get(|| async { Json(json!({ "id": "refs/heads/main", "displayId": "main" })) }),
        )
        .route(
            "/rest/api/latest/projects/{key}/repos/{slug}/raw/composer.json",
            get(
                |State(host): State<Host>,
                 Path((_, slug)): Path<(String, String)>,
                 Query(query): Query<HashMap<String, String>>| async move {
                    assert_eq!(query.get("at").map(String::as_str), Some("refs/heads/main"));
                    composer(&host, &slug)
                },
            ),
        )
        .route(
            "/rest/api/latest/projects/{key}/repos/{slug}/webhooks",
            get(
                |State(host): State<Host>,
                 Path((_, slug)): Path<(String, String)>,
                 Query(query): Query<HashMap<String, String>>| async move {
                    let hooks: Vec<Value> = host
                        .hooks_of(&slug)
                        .iter()
                        .map(|(url, _)| json!({ "id": 3, "url": url }))
                        .collect();
                    datacenter_page(hooks, &query)
                },
            )
            .post(
                |State(host): State<Host>,
                 Path((_, slug)): Path<(String, String)>,
                 Json(body): Json<Value>| async move {
                    assert_eq!(body["events"], json!(["repo:refs_changed"]));
                    host.record_hook(
                        &slug,
                        body["url"].as_str().unwrap(),
                        body["configuration"]["secret"].as_str().unwrap(),
                    );
                    (StatusCode::CREATED, Json(json!({ "id": 3 }))).into_response()
                },
            ),
        )
        .route(
            "/rest/api/latest/projects/{key}/permissions/users",
            get(datacenter_user_permissions),
        )
        .route(
            "/rest/api/latest/projects/{key}/permissions/groups",
            get(|Query(query): Query<HashMap<String, String>>| async move {
                let groups = vec![json!({ "group": { "name": "php-devs" }, "permission": "PROJECT_WRITE" })];
                datacenter_page(groups, &query)
            }),
        )
        .route(
            "/rest/api/latest/admin/groups/more-members",
            get(datacenter_group_members),
        )
        // Every endpoint wants the credential, as the hosts do.
        .layer(axum::middleware::from_fn_with_state(host.clone(), require_credential))
        // Except the sign-in's token endpoint, which takes the client's in the body.
        .route("/login/oauth/access_token", axum::routing::post(refresh_token))
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
    let scopes = host.scopes.lock().unwrap().clone();
    response
        .headers_mut()
        .insert("x-oauth-scopes", scopes.parse().unwrap());
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
    // A group's own projects (teams) or all below it (repositories); the subgroup has none.
    let listed = match query.get("include_subgroups").map(String::as_str) {
        Some("true") => host.listed(),
        _ if group == "2" => Vec::new(),
        _ => host.listed(),
    };
    let page: usize = query
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    let (items, more) = page_of(&listed, page);
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

/// GitHub App user tokens expire and come with a refresh token: the stale one the test
/// linked is traded for the token the API accepts.
async fn refresh_token(
    State(host): State<Host>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["client_secret"], "secret");
    host.refreshes
        .lock()
        .unwrap()
        .push(form["refresh_token"].clone());
    if form["refresh_token"] != "ghr_first" {
        return Json(json!({ "error": "bad_refresh_token", "error_description": "The refresh token passed is incorrect or expired." })).into_response();
    }
    let token = host.expected_auth.trim_start_matches("Bearer ");
    Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": 28800,
        "refresh_token": "ghr_second",
        "refresh_token_expires_in": 15_811_200,
        "scope": ""
    }))
    .into_response()
}

async fn github_teams(
    State(host): State<Host>,
    headers: HeaderMap,
    Path(org): Path<String>,
) -> Response {
    if host.teams_refused.load(Ordering::Relaxed) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({ "message": "Resource not accessible by personal access token" })),
        )
            .into_response();
    }
    let teams =
        vec![json!({ "id": 11, "slug": "developers", "name": "Developers", "privacy": "closed" })];
    linked_page(&headers, &format!("/orgs/{org}/teams"), teams, 1)
}

async fn github_team_members(
    State(host): State<Host>,
    headers: HeaderMap,
    Path((org, slug)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    assert_eq!(slug, "developers");
    let members = host
        .people()
        .iter()
        .map(|person| json!({ "id": person.id, "login": person.login, "type": "User" }))
        .collect();
    let path = format!("/orgs/{org}/teams/{slug}/members");
    linked_page(&headers, &path, members, page_number(&query, "page"))
}

/// The team may `maintain` lib and `push` to the others.
async fn github_team_repos(
    State(host): State<Host>,
    headers: HeaderMap,
    Path((org, slug)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let repos = host
        .listed()
        .iter()
        .map(|repo| {
            let maintain = repo.name == "lib";
            json!({
                "full_name": format!("{org}/{}", repo.name),
                "clone_url": repo.clone_url,
                "permissions": { "admin": false, "maintain": maintain, "push": true, "triage": true, "pull": true }
            })
        })
        .collect();
    let path = format!("/orgs/{org}/teams/{slug}/repos");
    linked_page(&headers, &path, repos, page_number(&query, "page"))
}

async fn gitlab_group(Path(group): Path<String>) -> Response {
    assert_eq!(group, "acme/php");
    Json(json!({ "id": 1, "full_path": "acme/php", "name": "php" })).into_response()
}

async fn gitlab_subgroups(Path(group): Path<String>) -> Response {
    let subgroups = match group.as_str() {
        "1" => vec![json!({ "id": 2, "full_path": "acme/php/tools", "parent_id": 1 })],
        _ => Vec::new(),
    };
    gitlab_page(subgroups, 1)
}

/// Maintainers (40) and Developers (30) in the group; in the subgroup only the
/// maintainer, as Owner (50).
async fn gitlab_members(
    State(host): State<Host>,
    Path(group): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let members = host
        .people()
        .iter()
        .filter(|person| group == "1" || person.maintainer)
        .map(|person| {
            let level = match (group.as_str(), person.maintainer) {
                ("1", true) => 40,
                ("1", false) => 30,
                _ => 50,
            };
            json!({ "id": person.id, "username": person.login, "access_level": level, "state": "active" })
        })
        .collect();
    gitlab_page(members, page_number(&query, "page"))
}

async fn bitbucket_members(
    State(host): State<Host>,
    headers: HeaderMap,
    Path(workspace): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let members = host
        .people()
        .iter()
        .map(|person| {
            json!({
                "type": "workspace_membership",
                "user": { "uuid": person.uuid, "nickname": person.login, "display_name": person.login }
            })
        })
        .collect();
    let path = format!("/2.0/workspaces/{workspace}/members");
    bitbucket_page(&headers, &path, members, page_number(&query, "page"))
}

async fn bitbucket_permissions(
    State(host): State<Host>,
    headers: HeaderMap,
    Path(workspace): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    assert_eq!(
        query.get("q").map(String::as_str),
        Some("permission=\"owner\"")
    );
    let owners = host
        .people()
        .iter()
        .filter(|person| person.maintainer)
        .map(|person| json!({ "permission": "owner", "user": { "uuid": person.uuid } }))
        .collect();
    let path = format!("/2.0/workspaces/{workspace}/permissions");
    bitbucket_page(&headers, &path, owners, page_number(&query, "page"))
}

async fn datacenter_repos(
    State(host): State<Host>,
    Path(key): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let repos = host
        .listed()
        .iter()
        .map(|repo| {
            json!({
                "slug": repo.name,
                "name": repo.name,
                "archived": repo.archived,
                "project": { "key": key },
                "links": { "clone": [
                    { "name": "ssh", "href": format!("ssh://git@bitbucket.example:7999/{key}/{}.git", repo.name) },
                    { "name": "http", "href": repo.clone_url }
                ] }
            })
        })
        .collect();
    datacenter_page(repos, &query)
}

/// The two who signed in have the project directly; carol through a group.
async fn datacenter_user_permissions(
    State(host): State<Host>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let users = host
        .people()
        .iter()
        .filter(|person| person.login != "carol")
        .map(|person| {
            json!({
                "user": { "id": person.id, "name": person.login, "slug": person.login },
                "permission": if person.maintainer { "PROJECT_ADMIN" } else { "PROJECT_READ" }
            })
        })
        .collect();
    datacenter_page(users, &query)
}

async fn datacenter_group_members(
    State(host): State<Host>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    assert_eq!(query.get("context").map(String::as_str), Some("php-devs"));
    let members = host
        .people()
        .iter()
        .filter(|person| person.login == "carol")
        .map(|person| json!({ "id": person.id, "name": person.login, "slug": person.login }))
        .collect();
    datacenter_page(members, &query)
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
        people: Arc::new(Mutex::new(people())),
        hooks: Arc::default(),
        refreshes: Arc::default(),
        teams_refused: Arc::default(),
        scopes: Arc::new(Mutex::new("repo, read:org".to_owned())),
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
    setup_with(app, credential, None).await
}

/// The fake host as the sign-in provider `kind` (also the entry's name), its API at
/// `api_url`: the synchronization with that API matches members through it.
struct SignIn<'a> {
    kind: &'a str,
    base_url: &'a str,
    api_url: &'a str,
}

async fn setup_with(
    app: TestApp,
    credential: Value,
    sign_in: Option<SignIn<'_>>,
) -> (TestApp, Client, String) {
    let mut app = app;
    app.stop_worker().await;
    let database_url = app.state.config.database_url.clone();
    let app = TestApp::start_with(database_url, |config| {
        config.allow_local_webhooks = true;
        if let Some(sign_in) = &sign_in {
            config.oauth.insert(
                sign_in.kind.to_owned(),
                packyard::config::OAuthProviderConfig {
                    kind: Some(sign_in.kind.to_owned()),
                    client_id: "client".into(),
                    client_secret: "secret".into(),
                    base_url: Some(sign_in.base_url.to_owned()),
                    api_url: Some(sign_in.api_url.to_owned()),
                    ..Default::default()
                },
            );
        }
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

/// A user who signed in with the host account `account_id` (linked as sign-in does, with
/// `access_token`).
async fn linked_user(
    app: &TestApp,
    username: &str,
    provider: &str,
    account_id: &str,
    access_token: &str,
) -> Client {
    use packyard::domain::identities::{self, TokenUpdate};
    let user_id = app.create_user(username, false).await;
    let provider = app.state.oauth.get(provider).expect("configured provider");
    let update = TokenUpdate {
        provider_user_id: account_id.to_owned(),
        login: username.to_owned(),
        email: None,
        access_token: app.state.sealer.seal(access_token.as_bytes()),
        refresh_token: None,
        token_expires_at: None,
        scopes: String::new(),
    };
    let mut conn = app.state.db.get().await.unwrap();
    identities::link(&mut conn, provider, user_id, &update)
        .await
        .unwrap();
    app.login(username).await
}

/// `(name, may edit team packages, members, packages)` of each synchronized team.
type TeamSummary = (String, bool, Vec<String>, Vec<String>);

async fn synchronized_teams(owner: &Client) -> Vec<TeamSummary> {
    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { teams { name synchronizationId permissions { canEditTeamPackages } members { username } packages { name } } } }",
            json!({}),
        )
        .await;
    let sorted = |list: &Value, key: &str| {
        let mut found: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item[key].as_str().unwrap_or("(unread)").to_owned())
            .collect();
        found.sort();
        found
    };
    let mut teams: Vec<TeamSummary> = listed.data()["organization"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|team| !team["synchronizationId"].is_null())
        .map(|team| {
            (
                team["name"].as_str().unwrap().to_owned(),
                team["permissions"]["canEditTeamPackages"]
                    .as_bool()
                    .unwrap(),
                sorted(&team["members"], "username"),
                sorted(&team["packages"], "name"),
            )
        })
        .collect();
    teams.sort();
    teams
}

fn team(name: &str, maintain: bool, members: &[&str], packages: &[&str]) -> TeamSummary {
    (
        name.to_owned(),
        maintain,
        members.iter().map(|member| (*member).to_owned()).collect(),
        packages
            .iter()
            .map(|package| (*package).to_owned())
            .collect(),
    )
}

/// Runs every synchronization again and returns the finished job.
async fn synchronize_again(app: &TestApp, owner: &Client) -> Value {
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
    wait_for_idle(app, owner).await;
    job
}

/// The last run's log.
async fn last_log(owner: &Client) -> String {
    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { synchronizations { lastJob { log } } } }",
            json!({}),
        )
        .await;
    listed.data()["organization"]["synchronizations"][0]["lastJob"]["log"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Bob leaves the host: the next run takes him out of the teams and the organization,
/// and his session no longer reaches it; alice keeps hers.
async fn bob_leaves(app: &TestApp, owner: &Client, fake: &Host, alice: &Client, bob: &Client) {
    assert_eq!(names(bob).await, ["acme/lib", "acme/util"]);
    fake.leave("bob");
    let job = synchronize_again(app, owner).await;
    let log = job["log"].as_str().unwrap_or_default();
    assert!(log.contains("0 joined, 1 left"), "{log}");
    let gone = bob
        .graphql(
            "{ organization(urlName: \"acme\") { packages { nodes { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(gone.error_code(), "NOT_FOUND");
    assert_eq!(names(alice).await, ["acme/lib", "acme/util"]);
    assert!(
        synchronized_teams(owner)
            .await
            .iter()
            .all(|(_, _, members, _)| !members.contains(&"bob".to_owned()))
    );
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
    wait_for_idle_in(app, owner, "acme").await;
}

async fn wait_for_idle_in(app: &TestApp, owner: &Client, organization: &str) {
    for _ in 0..300 {
        let jobs = owner
            .graphql(
                "query($o: String!) { organization(urlName: $o) { jobs(first: 100) { nodes { id status } } } }",
                json!({ "o": organization }),
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
    let log = last_log(&owner).await;
    assert!(!log.contains("warning"), "{log}");

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

/// Connects the fake at `base` as GitHub organization `acme-gh` and waits for the first
/// run; returns its job.
async fn first_github_run(app: &TestApp, owner: &Client, base: &str, credential: &str) -> Value {
    let created = owner
        .graphql(
            CREATE,
            json!({ "h": "GITHUB", "n": "acme-gh", "c": credential, "a": base }),
        )
        .await;
    app.wait_for_job(owner, &created.data()["createSynchronization"]["job"]["id"])
        .await
}

async fn a_refused_credential_fails_the_run_with_the_hosts_message(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, _fake) = fake_host(dir.path(), "Bearer the-right-one").await;
    let (app, owner, credential) =
        setup(app, json!({ "t": "GITHUB_OAUTH", "k": "a-wrong-one" })).await;
    let job = first_github_run(&app, &owner, &base, &credential).await;
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

/// A token with sign-in scopes only: the teams are refused, and the repositories listed
/// may be the public ones only. The packages found are synchronized, the log says what
/// the token lacks, and the run fails saying what could not be done.
async fn refused_teams_fail_the_run_but_keep_its_packages(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, fake) = fake_host(dir.path(), "Bearer ghp_test").await;
    fake.teams_refused.store(true, Ordering::Relaxed);
    *fake.scopes.lock().unwrap() = "read:user, user:email".to_owned();
    let (app, owner, credential) =
        setup(app, json!({ "t": "GITHUB_OAUTH", "k": "ghp_test" })).await;
    let job = first_github_run(&app, &owner, &base, &credential).await;
    assert_eq!(job["status"], "ERROR", "{job}");
    assert_eq!(
        job["error"], "the teams could not be synchronized (see the log)",
        "{job}"
    );
    wait_for_idle(&app, &owner).await;
    assert_eq!(names(&owner).await, ["acme/lib", "acme/util"]);
    let log = last_log(&owner).await;
    assert!(
        log.contains("teams:") && log.contains("Resource not accessible"),
        "{log}"
    );
    assert!(
        log.contains("warning: the token's scopes (read:user, user:email) do not include `repo`"),
        "{log}"
    );
}

/// How one host's teams test reaches the fake and what it synchronizes.
struct TeamsCase<'a> {
    /// The sign-in provider's kind, also its name.
    kind: &'a str,
    code_host: &'a str,
    /// The organization, group, workspace or project.
    name: &'a str,
    /// The API below the fake's base URL.
    api_path: &'a str,
    /// What the fake wants in `Authorization`, and the credential that sends it.
    auth: &'a str,
    credential: Value,
    /// Alice's and bob's accounts at the host.
    accounts: [&'a str; 2],
}

/// Alice and bob have signed in with the host; the synchronization runs twice; its teams
/// are `expected`; then bob leaves the host. Returns the owner and the credential.
async fn teams_follow_the_host(
    app: TestApp,
    case: TeamsCase<'_>,
    expected: &[TeamSummary],
) -> (TestApp, Client, String) {
    let dir = tempfile::tempdir().unwrap();
    let (base, fake) = fake_host(dir.path(), case.auth).await;
    let api = format!("{base}{}", case.api_path);
    let sign_in = SignIn {
        kind: case.kind,
        base_url: &base,
        api_url: &api,
    };
    let (app, owner, credential) = setup_with(app, case.credential, Some(sign_in)).await;
    let alice = linked_user(&app, "alice", case.kind, case.accounts[0], "alice-token").await;
    let bob = linked_user(&app, "bob", case.kind, case.accounts[1], "bob-token").await;
    synchronize_twice(
        &app,
        &owner,
        &fake,
        case.code_host,
        case.name,
        &api,
        &credential,
    )
    .await;
    assert_eq!(synchronized_teams(&owner).await, expected);
    let log = last_log(&owner).await;
    assert!(
        log.contains("not signed in to Packyard yet: carol"),
        "{log}"
    );
    bob_leaves(&app, &owner, &fake, &alice, &bob).await;
    (app, owner, credential)
}

const BOTH: [&str; 2] = ["acme/lib", "acme/util"];

async fn github_teams_and_members_follow_the_host(app: TestApp) {
    let case = TeamsCase {
        kind: "github",
        code_host: "GITHUB",
        name: "acme-gh",
        api_path: "",
        auth: "Bearer ghp_test",
        credential: json!({ "t": "GITHUB_OAUTH", "k": "ghp_test" }),
        accounts: ["101", "102"],
    };
    // The team `push`es to both and `maintain`s lib: every member gets both tiers.
    let expected = [
        team("Developers", false, &["alice", "bob"], &BOTH),
        team(
            "Developers (maintain)",
            true,
            &["alice", "bob"],
            &["acme/lib"],
        ),
    ];
    let (_app, owner, _) = teams_follow_the_host(app, case, &expected).await;

    // The host decides who is in a synchronized team.
    let teams = owner
        .graphql(
            "{ organization(urlName: \"acme\") { teams { id synchronizationId } } viewer { id } }",
            json!({}),
        )
        .await;
    let synchronized = teams.data()["organization"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|team| !team["synchronizationId"].is_null())
        .unwrap()["id"]
        .clone();
    let refused = owner
        .graphql(
            "mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) { id } }",
            json!({ "t": synchronized, "u": teams.data()["viewer"]["id"] }),
        )
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
}

/// Developers read, Maintainers and Owners maintain; the subgroup has its own teams.
async fn gitlab_groups_become_teams_by_access_level(app: TestApp) {
    let case = TeamsCase {
        kind: "gitlab",
        code_host: "GITLAB",
        name: "acme/php",
        api_path: "/api/v4",
        auth: "Bearer glpat-test",
        credential: json!({ "t": "GITLAB_TOKEN", "k": "glpat-test" }),
        accounts: ["101", "102"],
    };
    let expected = [
        team("acme/php", false, &["alice", "bob"], &BOTH),
        team("acme/php (maintain)", true, &["alice"], &BOTH),
        team("acme/php/tools", false, &["alice"], &[]),
        team("acme/php/tools (maintain)", true, &["alice"], &[]),
    ];
    teams_follow_the_host(app, case, &expected).await;
}

/// Bitbucket Cloud accounts are known by uuid.
async fn a_bitbucket_workspace_and_its_owners_become_teams(app: TestApp) {
    let case = TeamsCase {
        kind: "bitbucket",
        code_host: "BITBUCKET",
        name: "acme",
        api_path: "/2.0",
        // Bitbucket app passwords go as HTTP Basic: base64("ci:app-pass").
        auth: "Basic Y2k6YXBwLXBhc3M=",
        credential: json!({ "t": "BITBUCKET_APP_PW", "u": "ci", "p": "app-pass" }),
        accounts: ["{a1}", "{b2}"],
    };
    let expected = [
        team("acme", false, &["alice", "bob"], &BOTH),
        team("acme (maintain)", true, &["alice"], &BOTH),
    ];
    teams_follow_the_host(app, case, &expected).await;
}

/// Users given the project directly, its admins, and a group (whose only member never
/// signed in).
async fn a_bitbucket_data_center_project_becomes_packages_hooks_and_teams(app: TestApp) {
    let case = TeamsCase {
        kind: "bitbucket_datacenter",
        code_host: "BITBUCKET_DATACENTER",
        name: "ACME",
        api_path: "/rest/api/latest",
        auth: "Bearer dc-token",
        credential: json!({ "t": "GITLAB_TOKEN", "k": "dc-token" }),
        accounts: ["101", "102"],
    };
    let expected = [
        team("ACME", false, &["alice", "bob"], &BOTH),
        team("ACME (maintain)", true, &["alice"], &BOTH),
        team("php-devs", false, &[], &BOTH),
    ];
    let (_app, owner, credential) = teams_follow_the_host(app, case, &expected).await;

    // Data Center has no hosted edition: the API URL is required.
    let missing = owner
        .graphql(
            "mutation($c: ID!) { createSynchronization(organization: \"acme\", host: BITBUCKET_DATACENTER, name: \"OTHER\", credentialId: $c) { job { id } } }",
            json!({ "c": credential }),
        )
        .await;
    assert_eq!(missing.error_code(), "BAD_USER_INPUT");
}

/// A team with access to all packages sees the packages added in Packyard but not the
/// synchronized ones, whose access follows the host, unless granted one by one.
async fn synchronized_packages_are_exempt_from_access_to_all_packages(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, fake) = fake_host(dir.path(), "Bearer ghp_test").await;
    let (app, owner, credential) =
        setup(app, json!({ "t": "GITHUB_OAUTH", "k": "ghp_test" })).await;
    synchronize_twice(&app, &owner, &fake, "GITHUB", "acme-gh", &base, &credential).await;
    let manual = GitRepo::init(&dir.path().join("manual"), "main");
    manual.commit(
        &[(
            "composer.json",
            &library_manifest("acme/manual", "Acme\\Manual", &[]),
        )],
        "first",
    );
    owner
        .graphql(
            "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
            json!({ "u": manual.url() }),
        )
        .await
        .data();
    wait_for_idle(&app, &owner).await;

    let everyone = owner
        .graphql(
            "mutation { createTeam(organization: \"acme\", name: \"Everyone\") { id } }",
            json!({}),
        )
        .await
        .data()["createTeam"]["id"]
        .clone();
    owner
        .graphql(
            "mutation($t: ID!) { grantTeamAccessToAllPackages(teamId: $t) { id } }",
            json!({ "t": everyone }),
        )
        .await
        .data();
    let token = owner
        .graphql(
            "mutation($t: ID!) { createToken(organization: \"acme\", description: \"all\", access: READ, teamId: $t) { secret } }",
            json!({ "t": everyone }),
        )
        .await
        .data()["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create_user("dave", false).await;
    let invitation = owner
        .graphql(
            "mutation($t: ID!) { inviteMember(organization: \"acme\", usernameOrEmail: \"dave\", teamIds: [$t]) { id } }",
            json!({ "t": everyone }),
        )
        .await
        .data()["inviteMember"]["id"]
        .clone();
    let dave = app.login("dave").await;
    dave.graphql(
        "mutation($i: ID!) { acceptInvitation(id: $i) }",
        json!({ "i": invitation }),
    )
    .await
    .data();

    let available = || async {
        let root: Value = reqwest::Client::new()
            .get(format!("{}/acme/packages.json", app.base_url))
            .basic_auth("token", Some(&token))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        root["available-packages"].clone()
    };
    assert_eq!(available().await, json!(["acme/manual"]));
    assert_eq!(names(&dave).await, ["acme/manual"]);
    let hidden = dave
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");

    owner
        .graphql(
            "mutation($t: ID!) { addTeamPackages(teamId: $t, packages: [\"acme/lib\"]) { name } }",
            json!({ "t": everyone }),
        )
        .await
        .data();
    assert_eq!(available().await, json!(["acme/lib", "acme/manual"]));
    assert_eq!(names(&dave).await, ["acme/lib", "acme/manual"]);
    // The owners team sees them all.
    assert_eq!(
        names(&owner).await,
        ["acme/lib", "acme/manual", "acme/util"]
    );
}

/// Created with "use my GitHub sign-in": the owner's linked account calls the API (its
/// token, not a stored one, refreshed first since it expired), as a `CODE_HOST_SIGN_IN`
/// credential; once the account is unlinked, runs fail saying so.
async fn a_synchronization_through_a_sign_in_uses_the_linked_account(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let (base, fake) = fake_host(dir.path(), "Bearer gho_owner").await;
    let sign_in = SignIn {
        kind: "github",
        base_url: &base,
        api_url: &base,
    };
    let (app, _, _) = setup_with(
        app,
        json!({ "t": "GITHUB_OAUTH", "k": "unused" }),
        Some(sign_in),
    )
    .await;
    let founder = linked_user(&app, "founder", "github", "100", "gho_stale").await;
    {
        // The linked token expired two hours ago; the refresh token is still good.
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use packyard::db::schema::user_identities;
        let mut conn = app.state.db.get().await.unwrap();
        let expired = packyard::db::now() - chrono::Duration::hours(2);
        let refresh = app.state.sealer.seal(b"ghr_first");
        packyard::db_run!(conn: {
            diesel::update(user_identities::table.filter(user_identities::login.eq("founder")))
                .set((
                    user_identities::token_expires_at.eq(Some(expired)),
                    user_identities::refresh_token.eq(Some(refresh.as_str())),
                ))
                .execute(conn)
                .await
                .unwrap();
        });
    }
    founder
        .graphql(
            "mutation { createOrganization(name: \"Acme\", urlName: \"acme2\") { id } }",
            json!({}),
        )
        .await
        .data();
    let create = "mutation($p: String!) { createSynchronization(organization: \"acme2\", name: \"acme-gh\", loginProvider: $p) { synchronization { loginProvider credentialId } job { id } } }";
    let unknown = founder.graphql(create, json!({ "p": "gitlab" })).await;
    assert_eq!(unknown.error_code(), "BAD_USER_INPUT");
    let created = founder.graphql(create, json!({ "p": "github" })).await;
    let created = &created.data()["createSynchronization"];
    assert_eq!(created["synchronization"]["loginProvider"], "github");
    let job = app.wait_for_job(&founder, &created["job"]["id"]).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    assert_eq!(fake.hooks_of("lib").len(), 1);
    // Refreshed once; the package reads and later runs use the new token.
    wait_for_idle_in(&app, &founder, "acme2").await;
    assert_eq!(*fake.refreshes.lock().unwrap(), ["ghr_first"]);
    let credentials = founder
        .graphql(
            "{ organization(urlName: \"acme2\") { credentials { id type description } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        credentials.data()["organization"]["credentials"],
        json!([{
            "id": created["synchronization"]["credentialId"],
            "type": "CODE_HOST_SIGN_IN",
            "description": "GitHub Enterprise sign-in of founder"
        }])
    );

    // Someone without a linked account cannot use "my sign-in".
    let other = app.user("other").await;
    other
        .graphql(
            "mutation { createOrganization(name: \"Other\", urlName: \"other\") { id } }",
            json!({}),
        )
        .await
        .data();
    let unlinked = other
        .graphql(
            "mutation { createSynchronization(organization: \"other\", name: \"acme-gh\", loginProvider: \"github\") { job { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(unlinked.error_code(), "BAD_USER_INPUT");

    // Unlinked: the next run fails with the reason.
    let identity = founder
        .graphql("{ viewer { identities { id } } }", json!({}))
        .await
        .data()["viewer"]["identities"][0]["id"]
        .clone();
    founder
        .graphql(
            "mutation($i: ID!) { unlinkIdentity(id: $i) }",
            json!({ "i": identity }),
        )
        .await
        .data();
    let again = founder
        .graphql(
            "mutation { syncOrganization(organization: \"acme2\") { id } }",
            json!({}),
        )
        .await;
    let job = app
        .wait_for_job(&founder, &again.data()["syncOrganization"][0]["id"])
        .await;
    assert_eq!(job["status"], "ERROR", "{job}");
    assert!(
        job["error"]
            .as_str()
            .unwrap_or_default()
            .contains("unlinked"),
        "{job}"
    );
}
