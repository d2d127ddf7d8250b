use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use packyard::db::schema::jobs;
use packyard::db_run;
use packyard::jobs::queue::{self, Enqueue};
use packyard::jobs::{JobPayload, JobStatus};

use crate::both_backends;
use crate::support::TestApp;

both_backends!(
    concurrent_workers_claim_each_job_exactly_once,
    failed_attempts_back_off_then_end_in_error,
    abandoned_jobs_go_back_to_the_queue,
    waiting_jobs_with_the_same_key_coalesce,
);

/// Stops the app's own worker, so the test is the only one claiming, and empties the
/// queue of the maintenance job that worker scheduled when it started.
async fn quiet(mut app: TestApp) -> TestApp {
    app.stop_worker().await;
    let mut conn = app.state.db.get().await.unwrap();
    db_run!(conn: {
        diesel::delete(jobs::table).execute(conn).await.unwrap();
    });
    drop(conn);
    app
}

async fn enqueue(app: &TestApp, request: Enqueue) -> packyard::db::rows::Job {
    app.state
        .db
        .transaction(async |conn| queue::enqueue(conn, request).await)
        .await
        .unwrap()
}

async fn concurrent_workers_claim_each_job_exactly_once(app: TestApp) {
    let app = quiet(app).await;
    let mut enqueued = BTreeSet::new();
    for _ in 0..30 {
        enqueued.insert(
            enqueue(&app, Enqueue::new(JobPayload::PurgeExpiredSessions))
                .await
                .id,
        );
    }
    let claimers = (0..4).map(|_| {
        let db = app.state.db.clone();
        tokio::spawn(async move {
            let mut claimed = Vec::new();
            let mut conn = db.get().await.unwrap();
            while let Some(job) = queue::claim_next(&mut conn).await.unwrap() {
                assert_eq!(job.status, JobStatus::Running.as_str());
                assert_eq!(job.attempts, 1);
                claimed.push(job.id);
            }
            claimed
        })
    });
    let mut all_claims = Vec::new();
    for claimer in claimers {
        all_claims.extend(claimer.await.unwrap());
    }
    let distinct: BTreeSet<i64> = all_claims.iter().copied().collect();
    assert_eq!(
        all_claims.len(),
        30,
        "a job was claimed twice: {all_claims:?}"
    );
    assert_eq!(distinct, enqueued);
}

async fn failed_attempts_back_off_then_end_in_error(app: TestApp) {
    let app = quiet(app).await;
    let mut request = Enqueue::new(JobPayload::PurgeExpiredSessions);
    request.max_attempts = 2;
    let job = enqueue(&app, request).await;
    let mut conn = app.state.db.get().await.unwrap();

    let claimed = queue::claim_next(&mut conn).await.unwrap().unwrap();
    let retried = queue::fail(
        &mut conn,
        &claimed,
        "remote said no",
        std::time::Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert_eq!(retried.status, "queued");
    assert_eq!(retried.last_error.as_deref(), Some("remote said no"));
    assert!(
        retried.run_at > packyard::db::now(),
        "the retry waits for its backoff"
    );
    assert!(
        queue::claim_next(&mut conn).await.unwrap().is_none(),
        "not due yet"
    );

    db_run!(conn: {
        diesel::update(jobs::table.find(job.id)).set(jobs::run_at.eq(packyard::db::now())).execute(conn).await.unwrap();
    });
    let second = queue::claim_next(&mut conn).await.unwrap().unwrap();
    assert_eq!(second.attempts, 2);
    let failed = queue::fail(
        &mut conn,
        &second,
        "still no",
        std::time::Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert_eq!(failed.status, "error");
    assert_eq!(failed.last_error.as_deref(), Some("still no"));
    assert!(failed.finished_at.is_some());
}

async fn abandoned_jobs_go_back_to_the_queue(app: TestApp) {
    let app = quiet(app).await;
    let job = enqueue(&app, Enqueue::new(JobPayload::PurgeExpiredSessions)).await;
    let mut conn = app.state.db.get().await.unwrap();
    queue::claim_next(&mut conn).await.unwrap().unwrap();
    let lease = chrono::Duration::seconds(60);
    assert!(
        queue::requeue_abandoned(&mut conn, lease)
            .await
            .unwrap()
            .is_empty(),
        "its heartbeat is fresh"
    );

    let silent_since = packyard::db::now() - chrono::Duration::minutes(5);
    db_run!(conn: {
        diesel::update(jobs::table.find(job.id)).set(jobs::heartbeat_at.eq(silent_since)).execute(conn).await.unwrap();
    });
    let requeued = queue::requeue_abandoned(&mut conn, lease).await.unwrap();
    assert_eq!(requeued.len(), 1);
    assert_eq!(requeued[0].status, "queued");
    let again = queue::claim_next(&mut conn).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (job.id, 2));
}

async fn waiting_jobs_with_the_same_key_coalesce(app: TestApp) {
    let app = quiet(app).await;
    let keyed = || {
        let mut request = Enqueue::new(JobPayload::PurgeExpiredSessions);
        request.dedupe_key = Some("purge".into());
        request
    };
    let first = enqueue(&app, keyed()).await;
    assert_eq!(enqueue(&app, keyed()).await.id, first.id);
    let mut conn = app.state.db.get().await.unwrap();
    queue::claim_next(&mut conn).await.unwrap().unwrap();
    // Once the first runs, a new request is new work.
    assert_ne!(enqueue(&app, keyed()).await.id, first.id);
}
