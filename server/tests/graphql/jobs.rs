use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use packyard::db::rows::NewSession;
use packyard::db::schema::sessions;
use packyard::db_run;
use serde_json::json;

use crate::both_backends;
use crate::support::TestApp;
use crate::support::websocket::{next_payload, subscribe};

both_backends!(
    purge_job_streams_its_progress_and_deletes_expired_sessions,
    jobs_are_visible_to_admins_only_when_they_belong_to_no_organization,
    organization_jobs_start_with_the_unfinished_ones,
);

const PURGE: &str = "mutation { purgeExpiredSessions { id status kind } }";

async fn purge_job_streams_its_progress_and_deletes_expired_sessions(mut app: TestApp) {
    // The worker starts again only once the subscription is open, so every state is seen.
    app.stop_worker().await;
    let admin = app.admin("root").await;
    let (_, token) = app.token_client(&admin).await;
    let expired_hash = "0".repeat(64);
    let user_id = admin.graphql("{ viewer { id } }", json!({})).await.data()["viewer"]["id"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    let mut conn = app.state.db.get().await.unwrap();
    let long_ago = packyard::db::now() - chrono::Duration::days(30);
    let expired = NewSession {
        user_id,
        token_hash: &expired_hash,
        created_at: long_ago,
        expires_at: long_ago + chrono::Duration::days(1),
        last_seen_at: long_ago,
    };
    db_run!(conn: {
        diesel::insert_into(sessions::table).values(&expired).execute(conn).await.unwrap();
    });

    let job = admin.graphql(PURGE, json!({})).await;
    let job = &job.data()["purgeExpiredSessions"];
    assert_eq!(job["status"], "QUEUED");
    assert_eq!(job["kind"], "purge_expired_sessions");
    let job_id = job["id"].as_str().unwrap().to_owned();

    let mut socket = subscribe(
        &app.base_url,
        &token,
        &format!("subscription {{ jobUpdated(id: \"{job_id}\") {{ status progress step }} }}"),
    )
    .await;
    let first = next_payload(&mut socket).await.expect("first state");
    assert_eq!(first["jobUpdated"]["status"], "QUEUED");

    app.start_worker();
    let mut statuses = vec![first["jobUpdated"].clone()];
    while let Some(payload) = next_payload(&mut socket).await {
        statuses.push(payload["jobUpdated"].clone());
    }
    let last = statuses.last().unwrap();
    assert_eq!(last["status"], "SUCCESS", "{statuses:?}");
    assert_eq!(last["progress"], 100);
    // The worker's own hourly purge may run beside this one and take the session first.
    let step = last["step"].as_str().unwrap();
    assert!(
        step == "deleted 1 expired sessions" || step == "deleted 0 expired sessions",
        "{step}"
    );
    assert!(
        statuses.iter().any(|s| s["status"] == "RUNNING"),
        "{statuses:?}"
    );

    let remaining: i64 = db_run!(conn: {
        sessions::table.filter(sessions::token_hash.eq(&expired_hash)).count().get_result(conn).await.unwrap()
    });
    assert_eq!(remaining, 0);
    // The admin's own, live session survived the purge.
    admin.graphql("{ viewer { id } }", json!({})).await.data();
}

async fn jobs_are_visible_to_admins_only_when_they_belong_to_no_organization(app: TestApp) {
    let admin = app.admin("root").await;
    let job_id = admin.graphql(PURGE, json!({})).await.data()["purgeExpiredSessions"]["id"].clone();
    let query = "query($id: ID!) { job(id: $id) { id } }";
    admin.graphql(query, json!({ "id": job_id })).await.data();
    let member = app.user("member").await;
    assert_eq!(
        member
            .graphql(query, json!({ "id": job_id }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
    assert_eq!(
        member.graphql(PURGE, json!({})).await.error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.anonymous().graphql(PURGE, json!({})).await.error_code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        admin
            .graphql(query, json!({ "id": "999999" }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
}

/// A client that subscribes late first gets the jobs still waiting or running, then
/// the changes; finished jobs are not replayed.
async fn organization_jobs_start_with_the_unfinished_ones(mut app: TestApp) {
    use crate::support::git::{GitRepo, library_manifest};
    let owner = app.user("owner").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    let (_, token) = app.token_client(&owner).await;
    let create =
        "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }";
    let dir = tempfile::tempdir().unwrap();
    let repo = |name: &str| {
        let repo = GitRepo::init(&dir.path().join(name), "main");
        repo.commit(
            &[(
                "composer.json",
                &library_manifest(&format!("acme/{name}"), "A", &[]),
            )],
            name,
        );
        repo.url()
    };
    let done = owner
        .graphql(create, json!({ "u": repo("done") }))
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &done).await["status"], "SUCCESS");

    app.stop_worker().await;
    let waiting = owner
        .graphql(create, json!({ "u": repo("waiting") }))
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    let mut socket = subscribe(
        &app.base_url,
        &token,
        "subscription { organizationJobs(urlName: \"acme\") { id status } }",
    )
    .await;
    let first = next_payload(&mut socket).await.expect("the waiting job");
    assert_eq!(first["organizationJobs"]["id"], waiting, "{first}");
    assert_eq!(first["organizationJobs"]["status"], "QUEUED");

    // Then live: the same job running and succeeding, and nothing of the finished one.
    app.start_worker();
    let mut seen = Vec::new();
    loop {
        let event = next_payload(&mut socket).await.expect("an event")["organizationJobs"].clone();
        assert_eq!(event["id"], waiting, "{event}");
        seen.push(event["status"].clone());
        if event["status"] == "SUCCESS" {
            break;
        }
    }
    assert!(seen.contains(&json!("RUNNING")), "{seen:?}");
}
