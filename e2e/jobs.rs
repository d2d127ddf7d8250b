use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::websocket::{next_payload, subscribe};
use crate::support::{Server, database};

const PURGE: &str = "mutation { purgeExpiredSessions { id status } }";
const JOB: &str = "query($id: ID!) { job(id: $id) { status attempts } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_job_survives_a_killed_server_sqlite() {
    a_queued_job_survives_a_killed_server(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_job_survives_a_killed_server_postgres() {
    a_queued_job_survives_a_killed_server(true).await;
}

/// The job is only in the database when the process dies; the next process runs it.
async fn a_queued_job_survives_a_killed_server(postgres: bool) {
    let Some(database_url) = database(postgres).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut first = Server::start(
        dir.path(),
        database_url.as_deref(),
        &[("PACKYARD_WORKER_ENABLED", "false")],
    )
    .await;
    let token = first
        .admin_token(&first.first_admin_password().unwrap())
        .await;
    let queued = first.graphql(Some(&token), PURGE, json!({})).await;
    assert_eq!(
        queued["data"]["purgeExpiredSessions"]["status"], "QUEUED",
        "{queued}"
    );
    let job_id = queued["data"]["purgeExpiredSessions"]["id"].clone();
    first.kill();

    let second = Server::start(dir.path(), database_url.as_deref(), &[]).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let job = second
            .graphql(Some(&token), JOB, json!({ "id": job_id }))
            .await;
        if job["data"]["job"]["status"] == "SUCCESS" {
            assert_eq!(job["data"]["job"]["attempts"], 1);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "job never ran after the restart: {job}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Two replicas on one PostgreSQL database: a job enqueued through the API-only replica
/// is run by the other's worker, and a subscriber on the first sees it finish through
/// LISTEN/NOTIFY.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_the_queue_and_its_events() {
    let Some(database_url) = database(true).await else {
        return;
    };
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let api_only = Server::start(
        dir_a.path(),
        database_url.as_deref(),
        &[("PACKYARD_WORKER_ENABLED", "false")],
    )
    .await;
    let token = api_only
        .admin_token(&api_only.first_admin_password().unwrap())
        .await;
    let queued = api_only.graphql(Some(&token), PURGE, json!({})).await;
    let job_id = queued["data"]["purgeExpiredSessions"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut socket = subscribe(
        &api_only.base_url,
        &token,
        &format!("subscription {{ jobUpdated(id: \"{job_id}\") {{ status }} }}"),
    )
    .await;
    assert_eq!(
        next_payload(&mut socket).await.unwrap()["jobUpdated"]["status"],
        "QUEUED"
    );

    let worker = Server::start(dir_b.path(), database_url.as_deref(), &[]).await;
    assert!(
        worker.first_admin_password().is_none(),
        "one installation, one first admin"
    );
    let mut last = None;
    while let Some(payload) = next_payload(&mut socket).await {
        last = Some(payload["jobUpdated"]["status"].clone());
    }
    assert_eq!(last, Some(json!("SUCCESS")));
}

/// A token removed through one replica stops working on the other at once, although
/// that one had it in memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_token_stops_working_on_every_replica() {
    let Some(database_url) = database(true).await else {
        return;
    };
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let shared_key = [(
        "PACKYARD_SECRET_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    )];
    let first = Server::start(dir_a.path(), database_url.as_deref(), &shared_key).await;
    let second = Server::start(dir_b.path(), database_url.as_deref(), &shared_key).await;
    let admin = first
        .admin_token(&first.first_admin_password().unwrap())
        .await;
    first
        .graphql(
            Some(&admin),
            "mutation { createOrganization(name: \"Acme\") { id } }",
            json!({}),
        )
        .await;
    let created = first
        .graphql(Some(&admin), "mutation { createToken(organization: \"acme\", description: \"ci\", access: READ) { secret token { id } } }", json!({}))
        .await;
    let secret = created["data"]["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = created["data"]["createToken"]["token"]["id"].clone();
    let http = reqwest::Client::new();
    let root = format!("{}/acme/packages.json", second.base_url);
    let status = || async {
        http.get(&root)
            .basic_auth("token", Some(&secret))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(status().await, 200);
    assert_eq!(status().await, 200, "now answered from memory");
    let removed = first
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { removeToken(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert!(removed.get("errors").is_none(), "{removed}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while status().await != 401 {
        assert!(
            Instant::now() < deadline,
            "the second replica still accepts the removed token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
