//! Outgoing webhooks against a real HTTP receiver started by the test: signed events for
//! package and version changes and failed jobs, retries with backoff, the delivery log.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;

use crate::both_backends;
use crate::support::{Client, TestApp};

both_backends!(
    events_arrive_signed_and_logged,
    a_failing_receiver_gets_the_event_on_a_later_attempt,
    failed_jobs_and_removals_are_announced,
    webhook_targets_and_events_are_validated,
);

#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// Answers 500 this many times before answering 200.
    failures_left: Arc<Mutex<u32>>,
}

impl Receiver {
    async fn start(failures: u32) -> (Receiver, String) {
        let receiver = Receiver {
            failures_left: Arc::new(Mutex::new(failures)),
            ..Receiver::default()
        };
        let app = axum::Router::new()
            .route("/hook", post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    fn events(&self) -> Vec<(HeaderMap, Value)> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|(headers, body)| (headers.clone(), serde_json::from_slice(body).unwrap()))
            .collect()
    }

    /// Waits until `count` requests came in (deliveries run in the worker).
    async fn wait_for(&self, count: usize) -> Vec<(HeaderMap, Bytes)> {
        for _ in 0..300 {
            let received = self.received.lock().unwrap().clone();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {count} deliveries, got {}",
            self.received.lock().unwrap().len()
        );
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    receiver.received.lock().unwrap().push((headers, body));
    let mut failures = receiver.failures_left.lock().unwrap();
    if *failures > 0 {
        *failures -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn local_app(mut app: TestApp) -> TestApp {
    // The same database, a server that may call loopback receivers and retries quickly;
    // the first server's worker stops, so that only the new one claims jobs.
    app.stop_worker().await;
    let database_url = app.state.config.database_url.clone();
    TestApp::start_with(database_url, |config| {
        config.allow_local_webhooks = true;
        config.job_retry_base_ms = 200;
    })
    .await
}

async fn vendor(app: &TestApp) -> Client {
    let owner = app.user("olivia").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    owner
}

async fn create_webhook(owner: &Client, url: &str, secret: Option<&str>, events: Value) -> String {
    owner
        .graphql(
            "mutation($u: String!, $s: String, $e: [WebhookEvent!]!) { createWebhook(organization: \"acme\", url: $u, secret: $s, events: $e) { id } }",
            json!({ "u": url, "s": secret, "e": events }),
        )
        .await
        .data()["createWebhook"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn add_custom_package(app: &TestApp, owner: &Client, definition: Value) -> Value {
    let job = owner
        .graphql(
            "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
            json!({ "d": definition.to_string() }),
        )
        .await
        .data()["createCustomPackage"]["id"]
        .clone();
    app.wait_for_job(owner, &job).await
}

fn two_versions() -> Value {
    json!({
        "type": "package",
        "package": [
            { "name": "acme/lib", "version": "1.0.0", "dist": { "type": "zip", "url": "https://example.com/1.zip" } },
            { "name": "acme/lib", "version": "1.1.0", "dist": { "type": "zip", "url": "https://example.com/2.zip" } },
        ],
    })
}

async fn events_arrive_signed_and_logged(app: TestApp) {
    let app = local_app(app).await;
    let owner = vendor(&app).await;
    let (receiver, url) = Receiver::start(0).await;
    let webhook = create_webhook(
        &owner,
        &url,
        Some("s3cret"),
        json!(["PACKAGE_CREATED", "VERSION_ADDED"]),
    )
    .await;
    let job = add_custom_package(&app, &owner, two_versions()).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");

    let received = receiver.wait_for(3).await;
    for (headers, body) in &received {
        let signature = headers["packagist-signature"].to_str().unwrap();
        assert_eq!(
            signature,
            sign("s3cret", body),
            "signed over the exact bytes"
        );
        assert_ne!(signature, sign("wrong", body));
        assert_eq!(headers["content-type"], "application/json");
    }
    let mut events: Vec<(String, Value)> = receiver
        .events()
        .into_iter()
        .map(|(headers, body)| {
            assert_eq!(
                headers["packagist-event"].to_str().unwrap(),
                body["event"].as_str().unwrap()
            );
            (body["event"].as_str().unwrap().to_owned(), body)
        })
        .collect();
    events.sort_by(|a, b| {
        a.0.cmp(&b.0).then(
            a.1["version"]["version"]
                .to_string()
                .cmp(&b.1["version"]["version"].to_string()),
        )
    });
    assert_eq!(events[0].0, "package.created");
    assert_eq!(events[0].1["package"]["name"], "acme/lib");
    assert_eq!(events[0].1["organization"]["urlName"], "acme");
    assert_eq!(events[1].0, "version.added");
    assert_eq!(events[1].1["version"]["version"], "1.0.0");
    assert_eq!(events[2].1["version"]["version"], "1.1.0");

    // A second run that changes nothing sends nothing; a new version is announced.
    let mut definition = two_versions();
    definition["package"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "acme/lib", "version": "1.2.0", "dist": { "type": "zip", "url": "https://example.com/3.zip" } }));
    let job = owner
        .graphql(
            "mutation($d: String!) { editCustomPackage(organization: \"acme\", name: \"acme/lib\", definition: $d) { id } }",
            json!({ "d": definition.to_string() }),
        )
        .await
        .data()["editCustomPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job).await["status"], "SUCCESS");
    let received = receiver.wait_for(4).await;
    let last: Value = serde_json::from_slice(&received[3].1).unwrap();
    assert_eq!(last["event"], "version.added");
    assert_eq!(last["version"]["version"], "1.2.0");

    let log = owner
        .graphql(
            "{ organization(urlName: \"acme\") { webhooks { id hasSecret events deliveries { totalCount nodes { event status attempts responseCode durationMs deliveredAt } } } } }",
            json!({}),
        )
        .await
        .data()["organization"]["webhooks"][0]
        .clone();
    assert_eq!(log["id"], webhook.as_str());
    assert_eq!(log["hasSecret"], true);
    assert_eq!(log["events"], json!(["PACKAGE_CREATED", "VERSION_ADDED"]));
    assert_eq!(log["deliveries"]["totalCount"], 4);
    for delivery in log["deliveries"]["nodes"].as_array().unwrap() {
        assert_eq!(delivery["status"], "SUCCESS", "{delivery}");
        assert_eq!(delivery["attempts"], 1);
        assert_eq!(delivery["responseCode"], 200);
        assert!(delivery["deliveredAt"].is_string());
    }

    // testWebhook goes through the same path; without a secret nothing is signed.
    owner
        .graphql(
            "mutation($id: ID!) { editWebhook(id: $id, secret: null) { hasSecret } }",
            json!({ "id": webhook }),
        )
        .await
        .data();
    let test = owner
        .graphql(
            "mutation($id: ID!) { testWebhook(id: $id) { event status } }",
            json!({ "id": webhook }),
        )
        .await
        .data()["testWebhook"]
        .clone();
    assert_eq!(test, json!({ "event": "TEST", "status": "PENDING" }));
    let received = receiver.wait_for(5).await;
    assert!(!received[4].0.contains_key("packagist-signature"));
    let body: Value = serde_json::from_slice(&received[4].1).unwrap();
    assert_eq!(body["event"], "test");
}

async fn a_failing_receiver_gets_the_event_on_a_later_attempt(app: TestApp) {
    let app = local_app(app).await;
    let owner = vendor(&app).await;
    let (receiver, url) = Receiver::start(2).await;
    create_webhook(&owner, &url, Some("s3cret"), json!(["PACKAGE_CREATED"])).await;
    add_custom_package(&app, &owner, two_versions()).await;

    let received = receiver.wait_for(3).await;
    // The same event, the same bytes and signature on every attempt; each attempt has its
    // own delivery id.
    assert!(received.iter().all(|(_, body)| body == &received[0].1));
    let notification = |i: usize| received[i].0["packagist-notification"].clone();
    assert_eq!(notification(0), notification(2));
    let delivery = |i: usize| received[i].0["packagist-delivery"].clone();
    assert_ne!(delivery(0), delivery(1));
    for (headers, body) in &received {
        assert_eq!(
            headers["packagist-signature"].to_str().unwrap(),
            sign("s3cret", body)
        );
    }
    let mut logged = Value::Null;
    for _ in 0..100 {
        logged = owner
            .graphql(
                "{ organization(urlName: \"acme\") { webhooks { deliveries { nodes { status attempts responseCode error } } } } }",
                json!({}),
            )
            .await
            .data()["organization"]["webhooks"][0]["deliveries"]["nodes"][0]
            .clone();
        if logged["status"] == "SUCCESS" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        logged,
        json!({ "status": "SUCCESS", "attempts": 3, "responseCode": 200, "error": null })
    );
}

async fn failed_jobs_and_removals_are_announced(app: TestApp) {
    let app = local_app(app).await;
    let owner = vendor(&app).await;
    let (receiver, url) = Receiver::start(0).await;
    create_webhook(&owner, &url, None, json!(["JOB_FAILED", "PACKAGE_REMOVED"])).await;
    let job = owner
        .graphql(
            "mutation { createVcsPackage(organization: \"acme\", url: \"/nonexistent/repository\") { id } }",
            json!({}),
        )
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job).await["status"], "ERROR");
    let received = receiver.wait_for(1).await;
    let failed: Value = serde_json::from_slice(&received[0].1).unwrap();
    assert_eq!(failed["event"], "job.failed");
    assert_eq!(failed["job"]["id"], job);
    assert_eq!(failed["job"]["kind"], "update_package");
    assert!(
        failed["job"]["error"]
            .as_str()
            .unwrap()
            .contains("repository not found")
    );

    add_custom_package(&app, &owner, two_versions()).await;
    owner
        .graphql(
            "mutation { removePackage(organization: \"acme\", name: \"acme/lib\") }",
            json!({}),
        )
        .await
        .data();
    let received = receiver.wait_for(2).await;
    let removed: Value = serde_json::from_slice(&received[1].1).unwrap();
    assert_eq!(removed["event"], "package.removed");
    assert_eq!(removed["package"]["name"], "acme/lib");
}

async fn webhook_targets_and_events_are_validated(app: TestApp) {
    // The default configuration: no local targets.
    let owner = vendor(&app).await;
    for (url, field) in [
        ("http://127.0.0.1:9/hook", "url"),
        ("http://localhost/hook", "url"),
        ("ftp://example.com/hook", "url"),
    ] {
        let refused = owner
            .graphql(
                "mutation($u: String!) { createWebhook(organization: \"acme\", url: $u, events: [PACKAGE_CREATED]) { id } }",
                json!({ "u": url }),
            )
            .await;
        assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{url}");
        assert_eq!(refused.error_field(), Some(field), "{url}");
    }
    for events in [json!([]), json!(["TEST"])] {
        let refused = owner
            .graphql(
                "mutation($e: [WebhookEvent!]!) { createWebhook(organization: \"acme\", url: \"https://hooks.example.com/x\", events: $e) { id } }",
                json!({ "e": events }),
            )
            .await;
        assert_eq!(refused.error_field(), Some("events"), "{events}");
    }
    let created = owner
        .graphql(
            "mutation { createWebhook(organization: \"acme\", url: \"https://hooks.example.com/x\", events: [VERSION_ADDED, VERSION_REMOVED]) { id url hasSecret } }",
            json!({}),
        )
        .await
        .data()["createWebhook"]
        .clone();
    assert_eq!(created["hasSecret"], false);
    let id = created["id"].as_str().unwrap();
    let edited = owner
        .graphql(
            "mutation($id: ID!) { editWebhook(id: $id, url: \"https://other.example.com/y\", secret: \"abc\", events: [JOB_FAILED]) { url hasSecret events } }",
            json!({ "id": id }),
        )
        .await
        .data()["editWebhook"]
        .clone();
    assert_eq!(
        edited,
        json!({ "url": "https://other.example.com/y", "hasSecret": true, "events": ["JOB_FAILED"] })
    );
    owner
        .graphql(
            "mutation($id: ID!) { removeWebhook(id: $id) }",
            json!({ "id": id }),
        )
        .await
        .data();
    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { webhooks { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.data()["organization"]["webhooks"], json!([]));
}
