//! An in-process fake of the four code hosts' OAuth and user endpoints (real paths and
//! JSON shapes, see the team's code-hosts spec), on one random local port.
//!
//! It behaves like a strict provider: a code is issued for one redirect URI and PKCE
//! challenge, works once, and only with the matching S256 verifier; the user endpoints
//! want the bearer token it issued. Tests choose who signs in (`set_user`) and can make
//! the token endpoint fail the way GitHub does (HTTP 200 with an `error` body).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "packyard-client";
pub const CLIENT_SECRET: &str = "packyard-secret";

/// Who the next authorization signs in as.
#[derive(Clone, Debug)]
pub struct FakeUser {
    pub id: i64,
    pub login: String,
    pub email: String,
    pub verified: bool,
}

impl FakeUser {
    pub fn new(id: i64, login: &str, email: &str, verified: bool) -> FakeUser {
        FakeUser {
            id,
            login: login.into(),
            email: email.into(),
            verified,
        }
    }
}

struct Grant {
    user: FakeUser,
    challenge: String,
    redirect_uri: String,
}

#[derive(Default)]
struct Inner {
    user: Option<FakeUser>,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, FakeUser>,
    refresh_tokens: HashMap<String, FakeUser>,
    /// `(error, description)` the token endpoint answers with, HTTP 200.
    token_error: Option<(String, String)>,
    /// Token endpoint requests seen: (path, grant_type).
    token_requests: Vec<(String, String)>,
    counter: u64,
    reject_api: bool,
}

#[derive(Clone)]
pub struct FakeCodeHost {
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeCodeHost {
    pub async fn start() -> FakeCodeHost {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let router = Router::new()
            // GitHub (Enterprise Server paths: the API under /api/v3).
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(token))
            .route("/api/v3/user", get(github_user))
            .route("/api/v3/user/emails", get(github_emails))
            // GitLab.
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/token", post(token))
            .route("/api/v4/user", get(gitlab_user))
            // Bitbucket Cloud.
            .route("/site/oauth2/authorize", get(authorize))
            .route("/site/oauth2/access_token", post(token))
            .route("/2.0/user", get(bitbucket_user))
            .route("/2.0/user/emails", get(bitbucket_emails))
            // Bitbucket Data Center.
            .route("/rest/oauth2/latest/authorize", get(authorize))
            .route("/rest/oauth2/latest/token", post(token))
            .route(
                "/rest/api/latest/application-properties",
                get(bitbucket_dc_properties),
            )
            .route("/rest/api/latest/users/{slug}", get(bitbucket_dc_user))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        FakeCodeHost { base_url, inner }
    }

    pub fn set_user(&self, user: FakeUser) {
        self.inner.lock().unwrap().user = Some(user);
    }

    pub fn fail_token_requests(&self, error: Option<(&str, &str)>) {
        self.inner.lock().unwrap().token_error = error.map(|(e, d)| (e.into(), d.into()));
    }

    /// `(path, grant_type)` of every token request so far.
    pub fn token_requests(&self) -> Vec<(String, String)> {
        self.inner.lock().unwrap().token_requests.clone()
    }

    /// Makes the user endpoints refuse every token (as after a revocation at the host).
    pub fn reject_api_calls(&self, reject: bool) {
        self.inner.lock().unwrap().reject_api = reject;
    }
}

type Shared = State<Arc<Mutex<Inner>>>;

async fn authorize(State(inner): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    let mut inner = inner.lock().unwrap();
    let (Some(redirect_uri), Some(state)) = (query.get("redirect_uri"), query.get("state")) else {
        return (
            StatusCode::BAD_REQUEST,
            "redirect_uri and state are required",
        )
            .into_response();
    };
    if query.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || query.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return (
            StatusCode::BAD_REQUEST,
            "unknown client or no S256 challenge",
        )
            .into_response();
    }
    let user = inner.user.clone().expect("the test chose a user");
    inner.counter += 1;
    let code = format!("code-{}", inner.counter);
    inner.codes.insert(
        code.clone(),
        Grant {
            user,
            challenge: query["code_challenge"].clone(),
            redirect_uri: redirect_uri.clone(),
        },
    );
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let state: String = form_urlencoded::byte_serialize(state.as_bytes()).collect();
    Redirect::to(&format!(
        "{redirect_uri}{separator}code={code}&state={state}"
    ))
    .into_response()
}

/// Client authentication by HTTP Basic (Bitbucket Cloud) or in the body (the others).
fn client_authenticated(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    if let Some(basic) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = STANDARD.decode(basic).unwrap_or_default();
        return decoded == format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes();
    }
    form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

async fn token(
    State(inner): Shared,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut inner = inner.lock().unwrap();
    let grant_type = form.get("grant_type").cloned().unwrap_or_default();
    inner
        .token_requests
        .push((uri.path().to_owned(), grant_type.clone()));
    if let Some((error, description)) = &inner.token_error {
        // GitHub's way: HTTP 200, and the error in the body.
        return Json(json!({ "error": error, "error_description": description })).into_response();
    }
    if !client_authenticated(&headers, &form) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "bad client credentials",
        );
    }
    let user = match grant_type.as_str() {
        "authorization_code" => {
            let Some(grant) = form.get("code").and_then(|code| inner.codes.remove(code)) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown or used code",
                );
            };
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "PKCE verification failed",
                );
            }
            if form.get("redirect_uri") != Some(&grant.redirect_uri) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri mismatch",
                );
            }
            grant.user
        }
        "refresh_token" => {
            let Some(user) = form
                .get("refresh_token")
                .and_then(|token| inner.refresh_tokens.remove(token))
            else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown refresh token",
                );
            };
            user
        }
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "no"),
    };
    inner.counter += 1;
    let access_token = format!("access-{}", inner.counter);
    let refresh_token = format!("refresh-{}", inner.counter);
    inner.tokens.insert(access_token.clone(), user.clone());
    inner.refresh_tokens.insert(refresh_token.clone(), user);
    if uri.path() == "/login/oauth/access_token" {
        // GitHub OAuth apps: no expiry, comma-separated scopes, lower-case type.
        return Json(json!({ "access_token": access_token, "token_type": "bearer", "scope": "read:user,user:email" }))
            .into_response();
    }
    Json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 7200,
        "refresh_token": refresh_token,
        "scope": "read_user",
        "created_at": 1_700_000_000,
    }))
    .into_response()
}

/// Why a user endpoint said no.
enum Refusal {
    BadToken,
    NotFound,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::BadToken => (
                StatusCode::UNAUTHORIZED,
                Json(json!({ "message": "Bad credentials" })),
            )
                .into_response(),
            Refusal::NotFound => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

fn bearer_user(inner: &Arc<Mutex<Inner>>, headers: &HeaderMap) -> Result<FakeUser, Refusal> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let inner = inner.lock().unwrap();
    inner
        .tokens
        .get(token)
        .filter(|_| !inner.reject_api)
        .cloned()
        .ok_or(Refusal::BadToken)
}

async fn github_user(State(inner): Shared, headers: HeaderMap) -> Result<Json<Value>, Refusal> {
    let user = bearer_user(&inner, &headers)?;
    // The public email only; often null. The real list is /user/emails.
    Ok(Json(
        json!({ "id": user.id, "login": user.login, "name": "The User", "email": null, "type": "User" }),
    ))
}

async fn github_emails(State(inner): Shared, headers: HeaderMap) -> Result<Json<Value>, Refusal> {
    let user = bearer_user(&inner, &headers)?;
    Ok(Json(json!([
        { "email": format!("{}@users.noreply.github.com", user.login), "primary": false, "verified": true, "visibility": null },
        { "email": user.email, "primary": true, "verified": user.verified, "visibility": "private" },
    ])))
}

async fn gitlab_user(State(inner): Shared, headers: HeaderMap) -> Result<Json<Value>, Refusal> {
    let user = bearer_user(&inner, &headers)?;
    let confirmed_at = user.verified.then_some("2024-01-01T00:00:00.000Z");
    Ok(Json(json!({
        "id": user.id, "username": user.login, "name": "The User", "state": "active",
        "email": user.email, "public_email": "", "confirmed_at": confirmed_at,
    })))
}

async fn bitbucket_user(State(inner): Shared, headers: HeaderMap) -> Result<Json<Value>, Refusal> {
    let user = bearer_user(&inner, &headers)?;
    Ok(Json(json!({
        "uuid": format!("{{0000-{}}}", user.id), "account_id": format!("5b:{}", user.id),
        "nickname": user.login, "display_name": "The User", "type": "user",
    })))
}

async fn bitbucket_emails(
    State(inner): Shared,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    let user = bearer_user(&inner, &headers)?;
    Ok(Json(json!({
        "pagelen": 10, "page": 1, "size": 1,
        "values": [{ "email": user.email, "is_primary": true, "is_confirmed": user.verified, "type": "email" }],
    })))
}

async fn bitbucket_dc_properties(State(inner): Shared, headers: HeaderMap) -> Response {
    match bearer_user(&inner, &headers) {
        Ok(user) => (
            [("X-AUSERNAME", user.login)],
            Json(json!({ "version": "8.19.0", "displayName": "Bitbucket" })),
        )
            .into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn bitbucket_dc_user(
    State(inner): Shared,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    let user = bearer_user(&inner, &headers)?;
    if slug != user.login {
        return Err(Refusal::NotFound);
    }
    Ok(Json(json!({
        "id": user.id, "name": user.login, "slug": user.login, "emailAddress": user.email,
        "displayName": "The User", "active": true, "type": "NORMAL",
    })))
}
