//! The integration-test harness: a real Packyard (router, worker, database) on a random
//! local port, on SQLite or PostgreSQL.

#![allow(dead_code)]

pub mod fake_code_host;
pub mod git;
mod graphql_client;
pub mod oauth;
pub mod postgres;
pub mod websocket;

use packyard::app::{self, AppState};
use packyard::auth::Actor;
use packyard::config::Config;
use packyard::domain::users;
use packyard::jobs::worker;

pub use graphql_client::Client;

/// Defines `$name::sqlite` and `$name::postgres` tests running `async fn $name(TestApp)`.
/// The PostgreSQL one needs `TEST_DATABASE_URL` (the test command provides it).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::TestApp::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::support::TestApp::postgres().await {
                    super::$name(app).await
                }
            }
        }
    )+};
}

pub struct TestApp {
    pub state: AppState,
    pub base_url: String,
    worker: Option<(
        tokio::task::JoinHandle<()>,
        tokio::sync::watch::Sender<bool>,
    )>,
    _data_dir: tempfile::TempDir,
}

pub const PASSWORD: &str = "a long enough password";

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::start(None).await
    }

    /// `None` (test skipped, with a note) when `TEST_DATABASE_URL` is not set, unless
    /// `PACKYARD_REQUIRE_POSTGRES=1`, as in the test command, where that is a failure.
    pub async fn postgres() -> Option<TestApp> {
        Self::postgres_with(|_| {}).await
    }

    /// [`TestApp::postgres`] with the config adjusted first.
    pub async fn postgres_with(adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(
                std::env::var("PACKYARD_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PACKYARD_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
            );
            eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant skipped");
            return None;
        };
        Some(Self::start_with(Some(postgres::fresh_database(&admin_url).await), adjust).await)
    }

    pub async fn start(database_url: Option<String>) -> TestApp {
        Self::start_with(database_url, |_| {}).await
    }

    pub async fn start_with(
        database_url: Option<String>,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let mut config = Config {
            listen: address,
            data_dir: data_dir.path().to_owned(),
            database_url,
            log: "warn".into(),
            database_max_connections: 8,
            // Tests read packages from git repositories they create on disk.
            allow_local_repositories: true,
            // Amazon SNS certificates and subscription URLs are served by the tests.
            sns_host_suffix: Some("127.0.0.1".into()),
            ..Config::default()
        };
        adjust(&mut config);
        // The harness runs the worker itself, so that tests can stop and start it.
        let run_worker = std::mem::replace(&mut config.worker_enabled, false);
        let state = AppState::new(config).await.expect("app state");
        tokio::spawn(app::serve(state.clone(), listener, std::future::pending()));
        let mut app = TestApp {
            state,
            base_url: format!("http://{address}"),
            worker: None,
            _data_dir: data_dir,
        };
        if run_worker {
            app.start_worker();
        }
        app
    }

    pub fn start_worker(&mut self) {
        assert!(self.worker.is_none(), "the worker is already running");
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let handle = tokio::spawn(worker::run(self.state.clone(), async move {
            let _ = stopped.wait_for(|stopped| *stopped).await;
        }));
        self.worker = Some((handle, stop));
    }

    /// Stops the worker after the jobs it is running finish.
    pub async fn stop_worker(&mut self) {
        let (handle, stop) = self.worker.take().expect("the worker is running");
        stop.send(true).expect("worker listening");
        handle.await.expect("worker stopped cleanly");
    }

    /// A client with its own cookie jar, signed in as nobody.
    pub fn anonymous(&self) -> Client {
        Client::new(&self.base_url, None)
    }

    /// Creates a user (through the domain, as the operator would with the CLI).
    pub async fn create_user(&self, username: &str, is_admin: bool) -> i64 {
        let input = users::NewUserInput {
            username,
            email: Some(&format!("{username}@example.com")),
            password: PASSWORD,
            is_admin,
        };
        users::create(&self.state.db, &Actor::System, input)
            .await
            .expect("create user")
            .id
    }

    /// Creates the user and returns a client signed in as them through `login`.
    pub async fn user(&self, username: &str) -> Client {
        self.create_user(username, false).await;
        self.login(username).await
    }

    pub async fn admin(&self, username: &str) -> Client {
        self.create_user(username, true).await;
        self.login(username).await
    }

    pub async fn login(&self, username: &str) -> Client {
        let client = self.anonymous();
        client
            .graphql(
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { id } } }",
                serde_json::json!({ "u": username, "p": PASSWORD }),
            )
            .await
            .data();
        client
    }

    /// Polls the job until it has finished and returns it (`status`, `error`, `log`).
    pub async fn wait_for_job(
        &self,
        client: &Client,
        job_id: &serde_json::Value,
    ) -> serde_json::Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let response = client
                .graphql(
                    "query($id: ID!) { job(id: $id) { id status progress step error log } }",
                    serde_json::json!({ "id": job_id }),
                )
                .await;
            let job = response.data()["job"].clone();
            if job["status"] == "SUCCESS" || job["status"] == "ERROR" {
                return job;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "job did not finish: {job}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// An organization owned by `owner` and a READ token for its Composer repository.
    pub async fn organization_with_token(&self, owner: &Client, url_name: &str) -> String {
        owner
            .graphql(
                "mutation($n: String!) { createOrganization(name: $n) { id } }",
                serde_json::json!({ "n": url_name }),
            )
            .await
            .data();
        owner
            .graphql(
                "mutation($o: String!) { createToken(organization: $o, description: \"ci\", access: READ) { secret } }",
                serde_json::json!({ "o": url_name }),
            )
            .await
            .data()["createToken"]["secret"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A client that authenticates with a fresh personal API token of `signed_in`.
    pub async fn token_client(&self, signed_in: &Client) -> (Client, String) {
        let secret = signed_in
            .graphql(
                r#"mutation { createApiToken(description: "tests") { secret } }"#,
                serde_json::json!({}),
            )
            .await
            .data()["createApiToken"]["secret"]
            .as_str()
            .expect("secret")
            .to_owned();
        (Client::new(&self.base_url, Some(secret.clone())), secret)
    }
}
