#![allow(dead_code)]

pub mod composer;
#[path = "../../server/tests/support/git.rs"]
pub mod git;
pub mod peers;
#[path = "../../server/tests/support/postgres.rs"]
pub mod postgres;
#[path = "../../server/tests/support/websocket.rs"]
pub mod websocket;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BINARY: &str = env!("CARGO_BIN_EXE_packyard");

/// Where screenshots and logs of end-to-end runs are kept for people to look at.
pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// The database for one test: SQLite in its data directory, or a fresh PostgreSQL
/// database when `postgres` and `TEST_DATABASE_URL` is set (`None`: skip the test).
pub async fn database(postgres: bool) -> Option<Option<String>> {
    if !postgres {
        return Some(None);
    }
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) => Some(Some(postgres::fresh_database(&admin_url).await)),
        Err(_) => {
            assert!(
                std::env::var("PACKYARD_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PACKYARD_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
            );
            eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant skipped");
            None
        }
    }
}

/// A running `packyard serve`. Killed when dropped.
pub struct Server {
    child: Child,
    pub base_url: String,
    pub data_dir: PathBuf,
    stdout: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub async fn start(
        data_dir: &Path,
        database_url: Option<&str>,
        env: &[(&str, &str)],
    ) -> Server {
        Self::start_with(free_port(), data_dir, database_url, env).await
    }

    /// On a port chosen in advance (URLs that must be known before the start, such as
    /// an OAuth redirect URI), with a TOML config file.
    pub async fn start_on(
        port: u16,
        data_dir: &Path,
        database_url: Option<&str>,
        config: &Path,
    ) -> Server {
        let config = config.to_str().expect("UTF-8 path");
        Self::start_with(port, data_dir, database_url, &[("PACKYARD_CONFIG", config)]).await
    }

    async fn start_with(
        port: u16,
        data_dir: &Path,
        database_url: Option<&str>,
        env: &[(&str, &str)],
    ) -> Server {
        let mut command = Command::new(BINARY);
        command
            .arg("serve")
            .env("PACKYARD_LISTEN", format!("127.0.0.1:{port}"))
            .env("PACKYARD_DATA_DIR", data_dir)
            .env("PACKYARD_LOG", "warn")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start packyard");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let lines = stdout.clone();
        let pipe = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let server = Server {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            data_dir: data_dir.to_owned(),
            stdout,
        };
        server.wait_until_healthy().await;
        server
    }

    async fn wait_until_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{}/health", self.base_url);
        loop {
            if let Ok(response) = reqwest::get(&url).await
                && response.status().is_success()
                && !self.stdout_lines().is_empty()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "packyard did not become healthy: {:?}",
                self.stdout_lines()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// The one-time password printed on first start.
    pub fn first_admin_password(&self) -> Option<String> {
        self.stdout_lines().iter().find_map(|line| {
            let rest = line.strip_prefix("First start: sign in as `admin` with the password `")?;
            Some(rest.trim_end_matches('`').to_owned())
        })
    }

    /// Ends the process the hard way, as a crash or an OOM kill would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub async fn graphql(
        &self,
        bearer: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let mut request = reqwest::Client::new()
            .post(format!("{}/graphql", self.base_url))
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("JSON")
    }

    /// Signs in as the first admin and returns a personal API token.
    pub async fn admin_token(&self, password: &str) -> String {
        self.login_token("admin", password).await
    }

    /// Signs in (a session, as the web UI does) and returns a new personal API token.
    pub async fn login_token(&self, username: &str, password: &str) -> String {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let graphql = |query: &'static str, variables: serde_json::Value| {
            let client = client.clone();
            let url = format!("{}/graphql", self.base_url);
            async move {
                let body: serde_json::Value = client
                    .post(url)
                    .json(&serde_json::json!({ "query": query, "variables": variables }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(body.get("errors").is_none(), "{body}");
                body
            }
        };
        graphql(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { id } } }",
            serde_json::json!({ "u": username, "p": password }),
        )
        .await;
        let created = graphql(
            "mutation { createApiToken(description: \"e2e\") { secret } }",
            serde_json::json!({}),
        )
        .await;
        created["data"]["createApiToken"]["secret"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs the CLI to completion.
pub fn cli(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(BINARY)
        .args(args)
        .env("PACKYARD_DATA_DIR", data_dir)
        .env("PACKYARD_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run packyard");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().expect("packyard finished")
}
