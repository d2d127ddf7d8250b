//! A benchmark, not a test: authenticated Composer v2 metadata requests per second against
//! a running `packyard serve` (the release binary), and the same p2 file served
//! statically by nginx in the same run, measured one after the other with the same load
//! generator (wrk), concurrency and duration. It prints a table and the ratio
//! packyard/nginx; the goal is a ratio of at least 1.0 (docs/PERFORMANCE.md). nginx is
//! measured twice: as Debian configures it for static files, the goal's yardstick, and
//! with `open_file_cache`, nginx at its best for one hot file.
//!
//! `scripts/bench.sh` installs nginx and wrk (Debian packages) and runs this; by hand:
//! `cargo bench -p packyard --bench p2_requests`. Everything listens on 127.0.0.1 and
//! both servers are stopped at the end, also when the run fails.
//!
//! Knobs (environment): `BENCH_SECONDS` (measured seconds per case, 10),
//! `BENCH_WARMUP_SECONDS` (2), `BENCH_CONNECTIONS` (keep-alive connections, 32),
//! `BENCH_THREADS` (wrk threads, 2), `BENCH_TAGS` (tagged versions of the package, 50),
//! `BENCH_ROUNDS` (1; more runs every case that many times, interleaved, and reports each
//! case's median run: steadier figures on a shared machine),
//! `BENCH_DATABASE_URL` (an empty PostgreSQL database instead of SQLite).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_packyard");
const P2_PATH: &str = "/acme/p2/acme/lib.json";
const ROOT_PATH: &str = "/acme/packages.json";

struct Settings {
    seconds: u64,
    warmup_seconds: u64,
    connections: u64,
    threads: u64,
    tags: usize,
    rounds: u64,
    database_url: Option<String>,
}

impl Settings {
    fn from_env() -> Settings {
        let number = |name: &str, default: u64| -> u64 {
            match std::env::var(name) {
                Ok(value) => value
                    .parse()
                    .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
                Err(_) => default,
            }
        };
        let settings = Settings {
            seconds: number("BENCH_SECONDS", 10),
            warmup_seconds: number("BENCH_WARMUP_SECONDS", 2),
            connections: number("BENCH_CONNECTIONS", 32),
            threads: number("BENCH_THREADS", 2),
            tags: usize::try_from(number("BENCH_TAGS", 50)).expect("BENCH_TAGS"),
            rounds: number("BENCH_ROUNDS", 1),
            database_url: std::env::var("BENCH_DATABASE_URL")
                .ok()
                .filter(|url| !url.is_empty()),
        };
        assert!(
            settings.seconds > 0 && settings.seconds <= 600,
            "BENCH_SECONDS: 1 to 600"
        );
        assert!(
            settings.warmup_seconds <= 60,
            "BENCH_WARMUP_SECONDS: at most 60"
        );
        assert!(
            settings.threads >= 1 && settings.connections >= settings.threads,
            "wrk needs at least one connection per thread"
        );
        assert!((1..=500).contains(&settings.tags), "BENCH_TAGS: 1 to 500");
        assert!((1..=9).contains(&settings.rounds), "BENCH_ROUNDS: 1 to 9");
        settings
    }
}

/// The program's path, from `PATH` or the sbin directories (nginx lives in /usr/sbin,
/// which is not on every user's `PATH`).
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// A git repository made with the git command line: one library with `tags` tagged
/// versions (v1.0.0, v1.0.1, …) and a main branch, so the p2 file is realistic.
fn make_repository(dir: &Path, tags: usize) -> PathBuf {
    let path = dir.join("lib");
    std::fs::create_dir_all(path.join("src")).expect("repository dir");
    let clock = std::cell::Cell::new(1_700_000_000_i64);
    let git = |args: &[&str]| {
        let date = format!("@{} +0000", clock.get());
        let output = Command::new("git")
            .args(args)
            .current_dir(&path)
            .env("GIT_AUTHOR_NAME", "Bench")
            .env("GIT_AUTHOR_EMAIL", "bench@example.com")
            .env("GIT_COMMITTER_NAME", "Bench")
            .env("GIT_COMMITTER_EMAIL", "bench@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &path)
            .output()
            .expect("git on PATH");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    git(&["init", "--quiet", "--initial-branch", "main"]);
    let manifest = json!({
        "name": "acme/lib",
        "description": "The library of the Packyard benchmark",
        "type": "library",
        "license": "MIT",
        "require": { "php": ">=8.1" },
        "autoload": { "psr-4": { "Acme\\Lib\\": "src/" } },
    });
    std::fs::write(
        path.join("composer.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .expect("composer.json");
    for index in 0..tags {
        let version = format!("{}.{}.{}", 1 + index / 25, (index % 25) / 5, index % 5);
        std::fs::write(
            path.join("src/Lib.php"),
            format!(
                "<?php\nnamespace Acme\\Lib;\nfinal class Lib {{ public const VERSION = '{version}'; }}\n"
            ),
        )
        .expect("Lib.php");
        clock.set(clock.get() + 3600);
        git(&["add", "--all"]);
        git(&["commit", "--quiet", "-m", &format!("Release {version}")]);
        git(&["tag", &format!("v{version}")]);
    }
    path
}

/// A running `packyard serve`, killed when dropped (also when the run panics).
struct Packyard {
    child: Child,
    base_url: String,
    stdout: Arc<Mutex<Vec<String>>>,
}

impl Packyard {
    fn start(data_dir: &Path, database_url: Option<&str>) -> Packyard {
        let port = free_port();
        let mut command = Command::new(BINARY);
        command
            .arg("serve")
            .env("PACKYARD_LISTEN", format!("127.0.0.1:{port}"))
            .env("PACKYARD_DATA_DIR", data_dir)
            .env("PACKYARD_ALLOW_LOCAL_REPOSITORIES", "true")
            .env("PACKYARD_LOG", "warn")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
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
        Packyard {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            stdout,
        }
    }

    /// Waits for `/health` and returns the first admin's one-time password.
    async fn first_admin_password(&mut self, client: &reqwest::Client) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{}/health", self.base_url);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("packyard exited early ({status})");
            }
            let password = self.stdout.lock().unwrap().iter().find_map(|line| {
                let rest =
                    line.strip_prefix("First start: sign in as `admin` with the password `")?;
                Some(rest.trim_end_matches('`').to_owned())
            });
            if let Some(password) = password
                && let Ok(response) = client.get(&url).send().await
                && response.status().is_success()
            {
                return password;
            }
            assert!(
                Instant::now() < deadline,
                "packyard did not become healthy: {:?}",
                self.stdout.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Packyard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx serving `root` on two free loopback ports with a throwaway configuration; stopped
/// (master and workers) when dropped. `base_url` is configured as Debian's default
/// nginx.conf is for static files; `cached_base_url` adds `open_file_cache`, which saves
/// the open and close of the file per request: the yardstick at its best.
struct Nginx {
    child: Child,
    base_url: String,
    cached_base_url: String,
    error_log: PathBuf,
}

impl Nginx {
    fn start(program: &Path, dir: &Path, root: &Path) -> Nginx {
        use std::os::unix::fs::MetadataExt;
        let port = free_port();
        let cached_port = free_port();
        let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        for temp in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            std::fs::create_dir_all(dir.join(temp)).expect("nginx temp dir");
        }
        let error_log = dir.join("error.log");
        let d = dir.display();
        // Workers run as root when we do: the temporary directory is private (0700).
        let user = if as_root { "user root;" } else { "" };
        let config = format!(
            "daemon off;
master_process on;
worker_processes auto;
{user}
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    types {{ application/json json; }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
    server {{
        listen 127.0.0.1:{cached_port};
        root {root};
        open_file_cache max=100 inactive=60s;
        open_file_cache_valid 60s;
        location / {{ }}
    }}
}}
",
            root = root.display()
        );
        let config_path = dir.join("nginx.conf");
        std::fs::write(&config_path, config).expect("nginx.conf");
        let child = Command::new(program)
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(&error_log)
            .arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nginx");
        Nginx {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            cached_base_url: format!("http://127.0.0.1:{cached_port}"),
            error_log,
        }
    }

    async fn wait_until_serving(&mut self, client: &reqwest::Client, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "nginx exited ({status}): {}",
                    std::fs::read_to_string(&self.error_log).unwrap_or_default()
                );
            }
            if let Ok(response) = client.get(format!("{}{path}", self.base_url)).send().await
                && response.status().is_success()
            {
                return;
            }
            assert!(Instant::now() < deadline, "nginx did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM to the master stops the workers too; SIGKILL would orphan them.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GraphQL with a personal API token; errors end the run.
async fn graphql(
    client: &reqwest::Client,
    base_url: &str,
    bearer: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request = client
        .post(format!("{base_url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let body: Value = request
        .send()
        .await
        .expect("GraphQL request")
        .json()
        .await
        .expect("GraphQL JSON");
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body["data"].clone()
}

/// Admin sign-in, an organization `acme` with a READ token, and the package imported from
/// the git repository. Returns the organization token.
async fn set_up(packyard: &mut Packyard, repository: &Path) -> String {
    let cookies = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = packyard.base_url.clone();
    let password = packyard.first_admin_password(&cookies).await;
    graphql(
        &cookies,
        &base,
        None,
        "mutation($p: String!) { login(username: \"admin\", password: $p) { user { id } } }",
        json!({ "p": password }),
    )
    .await;
    let admin = graphql(
        &cookies,
        &base,
        None,
        "mutation { createApiToken(description: \"bench\") { secret } }",
        json!({}),
    )
    .await["createApiToken"]["secret"]
        .as_str()
        .expect("API token")
        .to_owned();
    let client = reqwest::Client::new();
    let admin = Some(admin.as_str());
    graphql(
        &client,
        &base,
        admin,
        "mutation { createOrganization(name: \"Acme\") { id } }",
        json!({}),
    )
    .await;
    let token = graphql(
        &client,
        &base,
        admin,
        "mutation { createToken(organization: \"acme\", description: \"bench\", access: READ) { secret } }",
        json!({}),
    )
    .await["createToken"]["secret"]
        .as_str()
        .expect("organization token")
        .to_owned();
    let job = graphql(
        &client,
        &base,
        admin,
        "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
        json!({ "u": format!("file://{}", repository.display()) }),
    )
    .await["createVcsPackage"]["id"]
        .as_str()
        .expect("job id")
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let state = graphql(
            &client,
            &base,
            admin,
            "query($id: ID!) { job(id: $id) { status error } }",
            json!({ "id": job }),
        )
        .await["job"]
            .clone();
        match state["status"].as_str() {
            Some("SUCCESS") => break,
            Some("ERROR") => panic!("importing the package failed: {state}"),
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {state}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    token
}

/// What wrk measured for one case.
struct Measured {
    label: String,
    requests_per_second: f64,
    requests: u64,
    p50_ms: Option<f64>,
    p99_ms: Option<f64>,
    /// Responses that were neither 2xx nor 3xx, and socket errors: the figure is void.
    failures: Vec<String>,
}

/// `1.23ms`, `456.78us`, `1.02s`, `2.00m` as milliseconds.
fn milliseconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

fn parse_wrk(label: &str, output: &str) -> Measured {
    let mut measured = Measured {
        label: label.to_owned(),
        requests_per_second: 0.0,
        requests: 0,
        p50_ms: None,
        p99_ms: None,
        failures: Vec::new(),
    };
    for line in output.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            measured.requests_per_second = rest.trim().parse().expect("wrk Requests/sec");
        } else if let Some(rest) = line.strip_prefix("50%") {
            measured.p50_ms = milliseconds(rest);
        } else if let Some(rest) = line.strip_prefix("99%") {
            measured.p99_ms = milliseconds(rest);
        } else if line.contains(" requests in ") {
            measured.requests = line
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
        } else if line.starts_with("Non-2xx or 3xx responses") || line.starts_with("Socket errors")
        {
            measured.failures.push(line.to_owned());
        }
    }
    measured
}

const PACKYARD_P2: &str = "packyard p2, token (200)";
const PACKYARD_P2_304: &str = "packyard p2, token, If-Modified-Since (304)";
const NGINX_P2: &str = "nginx static p2 (200)";
const NGINX_CACHED_P2: &str = "nginx static p2, open_file_cache (200)";
const NGINX_P2_304: &str = "nginx static p2, If-Modified-Since (304)";

/// One measured request: the same for every connection, with the status it must get.
struct Case {
    label: &'static str,
    url: String,
    headers: Vec<(String, String)>,
    status: u16,
}

/// One wrk run; `seconds` of load on `connections` keep-alive connections.
fn wrk(program: &Path, settings: &Settings, case: &Case, seconds: u64) -> String {
    let mut command = Command::new(program);
    command
        .arg(format!("-t{}", settings.threads))
        .arg(format!("-c{}", settings.connections))
        .arg(format!("-d{seconds}s"))
        .arg("--timeout")
        .arg("5s")
        .arg("--latency");
    for (name, value) in &case.headers {
        command.arg("-H").arg(format!("{name}: {value}"));
    }
    let output = command.arg(&case.url).output().expect("run wrk");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "wrk failed: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    text
}

fn measure(program: &Path, settings: &Settings, case: &Case) -> Measured {
    eprintln!("measuring {}: {}", case.label, case.url);
    if settings.warmup_seconds > 0 {
        wrk(program, settings, case, settings.warmup_seconds);
    }
    let output = wrk(program, settings, case, settings.seconds);
    let mut measured = parse_wrk(case.label, &output);
    assert!(
        measured.requests_per_second > 0.0,
        "no Requests/sec in wrk's output:\n{output}"
    );
    if case.status >= 400 {
        // The reference case that answers 401 on purpose.
        measured
            .failures
            .retain(|failure| !failure.starts_with("Non-2xx or 3xx"));
    }
    measured
}

/// Status, `Last-Modified` and body of one GET.
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    authorization: Option<&str>,
) -> (u16, Option<String>, Vec<u8>) {
    let mut request = client.get(url);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    let response = request.send().await.expect("GET");
    let status = response.status().as_u16();
    let last_modified = response
        .headers()
        .get("last-modified")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.expect("body").to_vec();
    (status, last_modified, body)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

/// The 1-minute load average: other work on the machine skews every figure.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn format_ms(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |ms| format!("{ms:.2}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; a filter argument would mean nothing here.
    let settings = Settings::from_env();
    let (Some(wrk_program), Some(nginx_program)) = (find_program("wrk"), find_program("nginx"))
    else {
        eprintln!(
            "p2_requests needs wrk and nginx (Debian packages wrk and nginx); scripts/bench.sh installs them"
        );
        return ExitCode::FAILURE;
    };

    // Other work on the machine skews every figure: the header says how busy it was.
    let load_before = load_average();
    let work = tempfile::tempdir().expect("temporary directory");
    eprintln!("making a git repository with {} tags", settings.tags);
    let repository = make_repository(work.path(), settings.tags);
    let data_dir = work.path().join("data");
    let mut packyard = Packyard::start(&data_dir, settings.database_url.as_deref());
    eprintln!("importing acme/lib into packyard ({})", packyard.base_url);
    let token = set_up(&mut packyard, &repository).await;
    let basic = format!("Basic {}", STANDARD.encode(format!("token:{token}")));

    // The measured responses, checked once: authentication is on, the file is complete.
    let client = reqwest::Client::new();
    let p2_url = format!("{}{P2_PATH}", packyard.base_url);
    let root_url = format!("{}{ROOT_PATH}", packyard.base_url);
    let (status, _, _) = fetch(&client, &p2_url, None).await;
    assert_eq!(status, 401, "the p2 file without credentials");
    let (status, packyard_last_modified, p2_body) = fetch(&client, &p2_url, Some(&basic)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&p2_body));
    let p2: Value = serde_json::from_slice(&p2_body).expect("p2 JSON");
    let versions = p2["packages"]["acme/lib"].as_array().map_or(0, Vec::len);
    assert_eq!(versions, settings.tags, "versions in the p2 file: {p2}");
    let packyard_last_modified = packyard_last_modified.expect("Last-Modified from packyard");
    let (status, _, root_body) = fetch(&client, &root_url, Some(&basic)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&root_body));

    // The same bytes at the same path, served by nginx.
    let nginx_dir = work.path().join("nginx");
    let www = nginx_dir.join("www");
    let file = www.join(P2_PATH.trim_start_matches('/'));
    std::fs::create_dir_all(file.parent().unwrap()).expect("www dir");
    std::fs::write(&file, &p2_body).expect("static p2 file");
    let mut nginx = Nginx::start(&nginx_program, &nginx_dir, &www);
    nginx.wait_until_serving(&client, P2_PATH).await;
    let nginx_url = format!("{}{P2_PATH}", nginx.base_url);
    let (status, nginx_last_modified, nginx_body) = fetch(&client, &nginx_url, None).await;
    assert_eq!(status, 200);
    assert!(nginx_body == p2_body, "nginx serves other bytes");
    let nginx_last_modified = nginx_last_modified.expect("Last-Modified from nginx");

    // Both servers get the same request headers; nginx ignores the credentials. Two
    // reference cases show where Packyard's time goes: the HTTP stack alone (a 401 is
    // answered before any database work) and one pool checkout (`/health`).
    let auth = ("Authorization".to_owned(), basic.clone());
    let since = |value: &str| ("If-Modified-Since".to_owned(), value.to_owned());
    let cases = [
        Case {
            label: PACKYARD_P2,
            url: p2_url.clone(),
            headers: vec![auth.clone()],
            status: 200,
        },
        Case {
            label: PACKYARD_P2_304,
            url: p2_url.clone(),
            headers: vec![auth.clone(), since(&packyard_last_modified)],
            status: 304,
        },
        Case {
            label: "packyard packages.json, token (200)",
            url: root_url.clone(),
            headers: vec![auth.clone()],
            status: 200,
        },
        Case {
            label: "packyard p2, no credentials (401, no database)",
            url: p2_url.clone(),
            headers: Vec::new(),
            status: 401,
        },
        Case {
            label: "packyard /health (1 pool checkout)",
            url: format!("{}/health", packyard.base_url),
            headers: Vec::new(),
            status: 200,
        },
        Case {
            label: NGINX_P2,
            url: nginx_url.clone(),
            headers: vec![auth.clone()],
            status: 200,
        },
        Case {
            label: NGINX_P2_304,
            url: nginx_url.clone(),
            headers: vec![auth.clone(), since(&nginx_last_modified)],
            status: 304,
        },
        Case {
            label: NGINX_CACHED_P2,
            url: format!("{}{P2_PATH}", nginx.cached_base_url),
            headers: vec![auth.clone()],
            status: 200,
        },
    ];
    for case in &cases {
        let mut request = client.get(&case.url);
        for (name, value) in &case.headers {
            request = request.header(name, value);
        }
        let status = request.send().await.expect("GET").status().as_u16();
        assert_eq!(status, case.status, "{}: {}", case.label, case.url);
    }
    // Rounds interleave the cases, so that a burst of other work on the machine does not
    // fall on one server only; each case reports its median run.
    let mut runs: Vec<Vec<Measured>> = cases.iter().map(|_| Vec::new()).collect();
    for round in 1..=settings.rounds {
        if settings.rounds > 1 {
            eprintln!("round {round} of {}", settings.rounds);
        }
        for (case, measured) in cases.iter().zip(&mut runs) {
            measured.push(measure(&wrk_program, &settings, case));
        }
    }
    let results: Vec<Measured> = runs
        .into_iter()
        .map(|mut measured| {
            measured.sort_by(|a, b| a.requests_per_second.total_cmp(&b.requests_per_second));
            let failures: Vec<String> = measured
                .iter()
                .flat_map(|m| m.failures.iter().cloned())
                .collect();
            let mut median = measured.swap_remove(measured.len() / 2);
            median.failures = failures;
            median
        })
        .collect();
    drop(nginx);
    drop(packyard);

    let rps = |label: &str| {
        results
            .iter()
            .find(|m| m.label == label)
            .map_or(0.0, |m| m.requests_per_second)
    };
    let ratio = rps(PACKYARD_P2) / rps(NGINX_P2);
    let ratio_304 = rps(PACKYARD_P2_304) / rps(NGINX_P2_304);
    let ratio_cached = rps(PACKYARD_P2) / rps(NGINX_CACHED_P2);

    println!();
    println!(
        "p2_requests: {} on {} CPUs ({}), database {}, p2 file {} bytes with {} versions",
        chrono::Utc::now().format("%Y-%m-%d"),
        std::thread::available_parallelism().map_or(0, usize::from),
        cpu_model(),
        if settings.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        p2_body.len(),
        versions,
    );
    println!(
        "wrk: {} threads, {} keep-alive connections, {} s per case after {} s warm-up, median of {} run(s), loopback; 1-minute load average before the run: {}",
        settings.threads,
        settings.connections,
        settings.seconds,
        settings.warmup_seconds,
        settings.rounds,
        load_before
    );
    println!();
    println!("| case | requests/s | requests | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    for m in &results {
        println!(
            "| {} | {:.0} | {} | {} | {} |",
            m.label,
            m.requests_per_second,
            m.requests,
            format_ms(m.p50_ms),
            format_ms(m.p99_ms)
        );
    }
    println!();
    println!("ratio packyard/nginx, p2 200: {ratio:.3} (goal ≥ 1.0)");
    println!("ratio packyard/nginx, p2 304: {ratio_304:.3}");
    println!("ratio packyard/nginx with open_file_cache, p2 200: {ratio_cached:.3}");

    let failed: Vec<_> = results
        .iter()
        .filter(|m| !m.failures.is_empty())
        .map(|m| format!("{}: {}", m.label, m.failures.join("; ")))
        .collect();
    if !failed.is_empty() {
        eprintln!("figures void, requests failed:\n{}", failed.join("\n"));
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
