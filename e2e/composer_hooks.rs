//! A push reaches Packyard and the real Composer client gets the new tag: GitHub's push
//! payload (from the shared fixtures, rewritten to name a local repository and signed
//! afresh) on the organization's hook URL, and Packagist's
//! `/api/update-package?token=user:apiToken`. A READ token may not trigger updates.

use std::path::PathBuf;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::composer::{
    Composer, graphql_ok, http_basic_auth, installed_version, wait_for_job, write_project,
};
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Server, database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_reach_composer_through_hooks_sqlite() {
    pushes_reach_composer_through_hooks(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_reach_composer_through_hooks_postgres() {
    pushes_reach_composer_through_hooks(true).await;
}

/// GitHub's push fixture with every repository URL pointing at `url`, pushing `tag`.
fn github_push(url: &str, tag: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/webhooks/github/push-branch-created.json");
    let mut payload: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for field in [
        "html_url",
        "url",
        "clone_url",
        "git_url",
        "ssh_url",
        "svn_url",
    ] {
        payload["repository"][field] = url.into();
    }
    payload["ref"] = format!("refs/tags/{tag}").into();
    payload["created"] = true.into();
    serde_json::to_vec(&payload).unwrap()
}

fn github(signature: &str) -> [(&str, &str); 3] {
    [
        ("x-github-event", "push"),
        ("content-type", "application/json"),
        ("x-hub-signature-256", signature),
    ]
}

fn sign(body: &[u8], secret: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts and expects `status`; returns the JSON answer.
async fn post(url: &str, headers: &[(&str, &str)], body: Vec<u8>, status: u16) -> Value {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let actual = response.status().as_u16();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{url}: {answer}");
    answer
}

async fn pushes_reach_composer_through_hooks(postgres: bool) {
    let Some(database_url) = database(postgres).await else {
        return;
    };
    let data_dir = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
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

    let repo = GitRepo::init(&work.path().join("git/hooked"), "main");
    let class = |version: &str| {
        format!(
            "<?php\nnamespace Acme\\Hooked;\nfinal class Version {{ public const NAME = '{version}'; }}\n"
        )
    };
    repo.commit(
        &[
            (
                "composer.json",
                &library_manifest("acme/hooked", "Acme\\Hooked", &[("php", ">=8.1")]),
            ),
            ("src/Version.php", &class("1.0.0")),
        ],
        "first",
    );
    repo.tag("v1.0.0");
    let created = graphql_ok(
        &server,
        &admin,
        "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
        json!({ "u": repo.url() }),
    )
    .await;
    wait_for_job(
        &server,
        &admin,
        created["createVcsPackage"]["id"].as_str().unwrap(),
    )
    .await;
    let hook = graphql_ok(
        &server,
        &admin,
        "{ organization(urlName: \"acme\") { package(name: \"acme/hooked\") { webhookUrl webhookSecret } } }",
        json!({}),
    )
    .await;
    let hook_url = hook["organization"]["package"]["webhookUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = hook["organization"]["package"]["webhookSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(hook_url, format!("{}/api/hooks/acme", server.base_url));

    let read_token = graphql_ok(
        &server,
        &admin,
        "mutation { createToken(organization: \"acme\", description: \"ci\", access: READ) { secret } }",
        json!({}),
    )
    .await["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let project = work.path().join("app");
    write_project(&project, &format!("{}/acme", server.base_url));
    let composer = Composer::new(&project, Some(http_basic_auth(&server, &read_token)));
    composer.succeed(&["require", "acme/hooked:^1.0"]);
    assert_eq!(installed_version(&project, "acme/hooked"), "v1.0.0");

    // A tag pushed, GitHub's hook signed with the organization's secret.
    repo.commit(&[("src/Version.php", &class("1.1.0"))], "1.1");
    repo.tag("v1.1.0");
    let body = github_push(&repo.url(), "v1.1.0");
    post(
        &hook_url,
        &github(&sign(&body, "not the secret")),
        body.clone(),
        401,
    )
    .await;
    let answer = post(&hook_url, &github(&sign(&body, &secret)), body, 202).await;
    wait_for_job(&server, &admin, answer["jobs"][0]["id"].as_str().unwrap()).await;
    composer.clear_cache();
    composer.succeed(&["update", "acme/hooked"]);
    assert_eq!(installed_version(&project, "acme/hooked"), "v1.1.0");

    // Packagist's URL with a personal API token; a READ organization token is refused.
    repo.commit(&[("src/Version.php", &class("1.2.0"))], "1.2");
    repo.tag("v1.2.0");
    let generic = serde_json::to_vec(&json!({ "repository": { "url": repo.url() } })).unwrap();
    let json_body = [("content-type", "application/json")];
    post(
        &format!("{}/api/update-package?token={read_token}", server.base_url),
        &json_body,
        generic.clone(),
        403,
    )
    .await;
    let answer = post(
        &format!("{}/api/update-package?token=admin:{admin}", server.base_url),
        &json_body,
        generic,
        202,
    )
    .await;
    wait_for_job(&server, &admin, answer["jobs"][0]["id"].as_str().unwrap()).await;
    composer.clear_cache();
    composer.succeed(&["update", "acme/hooked"]);
    assert_eq!(installed_version(&project, "acme/hooked"), "v1.2.0");
}
