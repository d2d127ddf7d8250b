//! Packagist-compatible inbound webhooks: `/api/update-package` and friends.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Client, TestApp};

both_backends!(
    a_push_updates_the_package_and_a_deleted_tag_disappears,
    credentials_and_payloads_are_checked,
    a_burst_of_hooks_makes_at_most_two_updates_and_keeps_every_tag,
);

const CREATE: &str = "mutation($o: String!, $u: String!) { createVcsPackage(organization: $o, url: $u) { id status } }";

fn repository(dir: &std::path::Path) -> GitRepo {
    let repo = GitRepo::init(&dir.join("lib"), "main");
    let manifest = library_manifest("acme/lib", "Acme\\Lib", &[]);
    repo.commit(&[("composer.json", &manifest)], "first");
    repo.tag("v1.0.0");
    repo
}

/// An organization `acme` owned by `owner` with the package of `repo`, read once; and the
/// owner's personal API token.
async fn package(app: &TestApp, repo: &GitRepo) -> (Client, String) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let created = owner
        .graphql(CREATE, json!({ "o": "acme", "u": repo.url() }))
        .await;
    let job = app
        .wait_for_job(&owner, &created.data()["createVcsPackage"]["id"])
        .await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    let (_, secret) = app.token_client(&owner).await;
    (owner, secret)
}

async fn versions(owner: &Client) -> BTreeSet<String> {
    let response = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { versions { nodes { version } } } } }",
            json!({}),
        )
        .await;
    response.data()["organization"]["package"]["versions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_owned())
        .collect()
}

async fn post(app: &TestApp, path_and_query: &str, body: &Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path_and_query}", app.base_url))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_push_updates_the_package_and_a_deleted_tag_disappears(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let (owner, secret) = package(&app, &repo).await;
    let body = json!({ "repository": { "url": repo.url() } });

    repo.commit(&[("a.txt", "a")], "second");
    repo.tag("v1.1.0");
    let (status, answer) = post(
        &app,
        &format!("/api/update-package?token=owner:{secret}"),
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(answer["status"], "success");
    assert_eq!(answer["jobs"].as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(answer["jobs"][0]["package"], "acme/lib");
    let job = app.wait_for_job(&owner, &answer["jobs"][0]["id"]).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    assert!(versions(&owner).await.contains("v1.1.0"));

    // The update re-reads every ref, so a tag deleted on the host goes with the next hook.
    repo.git(&["tag", "-d", "v1.0.0"]);
    let (status, answer) = post(
        &app,
        &format!("/api/github?username=owner&apiToken={secret}"),
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let job = app.wait_for_job(&owner, &answer["jobs"][0]["id"]).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    let now = versions(&owner).await;
    assert!(!now.contains("v1.0.0"), "{now:?}");
    assert!(now.contains("v1.1.0"), "{now:?}");

    let log = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { webhookDeliveries { provider event outcome statusCode jobId } } } }",
            json!({}),
        )
        .await;
    let log = &log.data()["organization"]["package"]["webhookDeliveries"];
    assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
    assert_eq!(log[0]["provider"], "generic");
    assert_eq!(log[0]["event"], "push");
    assert_eq!(log[0]["outcome"], "queued");
    assert_eq!(log[0]["statusCode"], 202);
    assert_eq!(log[0]["jobId"], answer["jobs"][0]["id"]);
}

async fn credentials_and_payloads_are_checked(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let (owner, secret) = package(&app, &repo).await;
    let body = json!({ "repository": { "url": repo.url() } });

    let (status, _) = post(&app, "/api/update-package", &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(&app, "/api/update-package?token=owner:pyu_wrong", &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Another user's name with the owner's token.
    app.create_user("mallory", false).await;
    let (status, _) = post(
        &app,
        &format!("/api/update-package?token=mallory:{secret}"),
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A READ organization token is valid but may not cause updates; an UPDATE one may.
    let token = |access: &'static str| {
        let owner = &owner;
        async move {
            owner
                .graphql(
                    "mutation($a: TokenAccess!) { createToken(organization: \"acme\", description: \"hook\", access: $a) { secret } }",
                    json!({ "a": access }),
                )
                .await
                .data()["createToken"]["secret"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let read = token("READ").await;
    let (status, answer) = post(&app, &format!("/api/update-package?token={read}"), &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    let update = token("UPDATE").await;
    let (status, answer) = post(&app, &format!("/api/update-package?token={update}"), &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");

    let auth = format!("?token=owner:{secret}");
    let (status, answer) = post(
        &app,
        &format!("/api/update-package{auth}"),
        &json!({ "repository": { "url": "https://github.com/nobody/nothing" } }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert!(answer["message"].is_string(), "{answer}");

    let malformed = reqwest::Client::new()
        .post(format!("{}/api/update-package{auth}", app.base_url))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let answer: Value = malformed.json().await.unwrap();
    assert_eq!(answer["code"], "BAD_USER_INPUT", "{answer}");

    let ping = reqwest::Client::new()
        .post(format!("{}/api/github{auth}", app.base_url))
        .header("content-type", "application/json")
        .header("x-github-event", "ping")
        .body(std::fs::read(fixture("github/ping.json")).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(ping.status(), StatusCode::OK);
    let answer: Value = ping.json().await.unwrap();
    assert_eq!(answer["status"], "pong", "{answer}");

    // Packages named directly, by path and by query.
    let (status, answer) = post(
        &app,
        &format!("/api/update-package/acme/lib{auth}"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let by_query = reqwest::Client::new()
        .get(format!(
            "{}/api/update-package{auth}&composer_package_name=acme/lib",
            app.base_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(by_query.status(), StatusCode::ACCEPTED);
    let (status, _) = post(
        &app,
        &format!("/api/update-package/acme/other{auth}"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn fixture(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/webhooks")
        .join(path)
}

async fn a_burst_of_hooks_makes_at_most_two_updates_and_keeps_every_tag(mut app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let (owner, secret) = package(&app, &repo).await;
    let url = format!("/api/update-package?token=owner:{secret}");
    let body = json!({ "repository": { "url": repo.url() } });

    // Hooks arrive faster than any update runs: with the worker held back, every one of
    // them must join the one waiting job.
    app.stop_worker().await;
    let mut job_ids = BTreeSet::new();
    let mut tags = Vec::new();
    for round in 0..10 {
        repo.commit(&[("round.txt", &round.to_string())], "round");
        let tag = format!("v2.{round}.0");
        repo.tag(&tag);
        tags.push(tag);
        let posts = (0..100).map(|_| post(&app, &url, &body));
        for (status, answer) in futures_util::future::join_all(posts).await {
            assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
            job_ids.insert(answer["jobs"][0]["id"].as_str().unwrap().to_owned());
        }
    }
    assert!(job_ids.len() <= 2, "{job_ids:?}");
    app.start_worker();
    for id in &job_ids {
        let job = app.wait_for_job(&owner, &json!(id)).await;
        assert_eq!(job["status"], "SUCCESS", "{job}");
    }
    let now = versions(&owner).await;
    for tag in &tags {
        assert!(now.contains(tag), "{tag} missing from {now:?}");
    }
}
