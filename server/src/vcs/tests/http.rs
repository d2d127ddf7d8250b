//! Fetching over HTTP with basic authentication: `git http-backend` run as CGI behind a
//! small axum server on loopback that demands a username and password.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use tokio::io::AsyncWriteExt as _;

use super::{FILE, Upstream, mirror_dir};
use crate::vcs::{Credential, Mirror, VcsError, list_refs};

struct ServerState {
    root: PathBuf,
    /// `user:password` that the server accepts.
    accepted: Vec<String>,
    /// Requests that carried credentials the server refused.
    rejected: AtomicUsize,
}

struct GitHttpServer {
    base_url: String,
    state: Arc<ServerState>,
    runtime: tokio::runtime::Runtime,
}

impl GitHttpServer {
    fn start(root: PathBuf, accepted: &[&str]) -> Self {
        let state = Arc::new(ServerState {
            root,
            accepted: accepted.iter().map(|s| (*s).to_owned()).collect(),
            rejected: AtomicUsize::new(0),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let app = axum::Router::new()
            .fallback(git_cgi)
            .with_state(state.clone());
        runtime.spawn(async move { axum::serve(listener, app).await });
        GitHttpServer {
            base_url: format!("http://127.0.0.1:{port}"),
            state,
            runtime,
        }
    }
}

impl Drop for GitHttpServer {
    fn drop(&mut self) {
        // Shut down without waiting for connections libgit2 may keep open.
        let runtime = std::mem::replace(
            &mut self.runtime,
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
        );
        runtime.shutdown_background();
    }
}

async fn git_cgi(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
        })
        .and_then(|decoded| String::from_utf8(decoded).ok());
    match presented {
        Some(pair) if state.accepted.contains(&pair) => {}
        other => {
            if other.is_some() {
                state.rejected.fetch_add(1, Ordering::SeqCst);
            }
            let challenge = [(header::WWW_AUTHENTICATE, "Basic realm=\"git\"")];
            return (StatusCode::UNAUTHORIZED, challenge).into_response();
        }
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let header_text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let child = tokio::process::Command::new("git")
        .arg("http-backend")
        .env("GIT_PROJECT_ROOT", &state.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("PATH_INFO", parts.uri.path())
        .env("QUERY_STRING", parts.uri.query().unwrap_or_default())
        .env("CONTENT_TYPE", header_text(header::CONTENT_TYPE))
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_USER", "tester")
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(&body).await;
    }
    let Ok(output) = child.wait_with_output().await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    cgi_response(&output.stdout)
}

/// Splits CGI output into a status, headers and body.
fn cgi_response(output: &[u8]) -> Response {
    let split = output
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let split = split.or_else(|| output.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
    let Some((end, separator)) = split else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut status = StatusCode::OK;
    let mut headers = HeaderMap::new();
    for line in String::from_utf8_lossy(&output[..end]).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value.split(' ').next().and_then(|c| c.parse().ok());
            status = code
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(status);
        } else if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    let body = Body::from(output[end + separator..].to_vec());
    (status, headers, body).into_response()
}

fn upstream() -> Upstream {
    let up = Upstream::new();
    let a = up.commit("main", &[("composer.json", b"{}", FILE)], 1_700_000_000);
    up.lightweight_tag("v1.0.0", a);
    up
}

fn basic(username: &str, password: &str) -> Credential {
    Credential::HttpBasic {
        username: username.into(),
        password: password.into(),
    }
}

#[test]
fn http_fetch_authenticates_once_and_classifies_failures() {
    let up = upstream();
    // 127.0.0.1 is no known host, so a token goes with the username `oauth2`.
    let server = GitHttpServer::start(up.dir.path().to_owned(), &["ci:s3cret", "oauth2:t0ken"]);
    let url = format!("{}/upstream.git", server.base_url);
    let work = tempfile::tempdir().expect("tempdir");
    let path = mirror_dir(work.path());
    let mirror = Mirror::open_or_init(&path, &url).expect("init");

    let err = mirror.fetch(None, |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::CredentialsRequired { .. })),
        "{err:?}"
    );

    let err = mirror.fetch(Some(&basic("ci", "wrong")), |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::AuthenticationFailed { .. })),
        "{err:?}"
    );
    assert_eq!(
        server.state.rejected.load(Ordering::SeqCst),
        1,
        "one try only"
    );

    let key = Credential::SshKey {
        private_key: "unused".into(),
        passphrase: None,
    };
    let err = mirror.fetch(Some(&key), |_| {}).err();
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("SSH key works only with ssh"), "{message}");

    let outcome = mirror.fetch(Some(&basic("ci", "s3cret")), |_| {});
    assert_eq!(
        outcome.expect("fetch").default_branch.as_deref(),
        Some("main")
    );
    let refs = list_refs(mirror.repo()).expect("refs");
    assert_eq!(refs.tags.len(), 1);

    let second = tempfile::tempdir().expect("tempdir");
    let mirror = Mirror::open_or_init(&mirror_dir(second.path()), &url).expect("init");
    let token = Credential::Token {
        token: "t0ken".into(),
    };
    mirror
        .fetch(Some(&token), |_| {})
        .expect("fetch with a token");
    assert_eq!(list_refs(mirror.repo()).expect("refs").branches.len(), 1);

    let missing = format!("{}/missing.git", server.base_url);
    let mirror = Mirror::open_or_init(&work.path().join("m3"), &missing).expect("init");
    let err = mirror.fetch(Some(&basic("ci", "s3cret")), |_| {}).err();
    assert!(
        matches!(err, Some(VcsError::RepositoryNotFound { .. })),
        "{err:?}"
    );
}
