//! `GET /auth/oauth/{provider}/start` and `GET /auth/oauth/{provider}/callback`: the
//! browser's side of signing in with a code host. Both answer with redirects: the
//! provider's page, the dashboard, or the login page with `?error=` (never a 500 page,
//! whatever the provider did).

use axum::extract::{Path, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use cookie::{Cookie, SameSite};

use crate::app::AppState;
use crate::auth::Actor;
use crate::auth::request::{actor_from_headers, session_cookie};
use crate::domain::oauth_login::{self, CallbackQuery, Completed, STATE_TTL_MINUTES};
use crate::domain::sessions::SessionPolicy;
use crate::error::Error;

/// Holds `state` between start and callback, so that only the browser that started a
/// sign-in can complete it.
pub const STATE_COOKIE: &str = "packyard_oauth_state";
const COOKIE_PATH: &str = "/auth/oauth";

pub async fn start(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
) -> Response {
    // A signed-in browser links the account; a bad credential is just a sign-in.
    let actor = actor_from_headers(&state.db, &headers)
        .await
        .unwrap_or(Actor::Anonymous);
    let linking = actor.user_id().is_some();
    match oauth_login::begin(&state, &provider, &actor).await {
        Ok(started) => {
            let cookie = state_cookie(&started.state, state.config.secure_cookies());
            redirect(&started.authorize_url, &[cookie])
        }
        Err(error) => failure(error, linking),
    }
}

pub async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
    jar: CookieJar,
) -> Response {
    let cookie_state = jar.get(STATE_COOKIE).map(|c| c.value().to_owned());
    let secure = state.config.secure_cookies();
    let clear = expired_state_cookie(secure);
    match oauth_login::complete(&state, &provider, &query, cookie_state.as_deref()).await {
        Ok(Completed::SignedIn { session_secret, .. }) => {
            let policy = SessionPolicy::from_config(&state.config);
            let session = session_cookie(&session_secret, policy.ttl, secure);
            redirect("/", &[clear, session])
        }
        Ok(Completed::Linked { .. }) => {
            redirect(&format!("/profile?linked={}", encode(&provider)), &[clear])
        }
        Err(failed) => {
            let mut response = failure(failed.error, failed.linking);
            if let Ok(value) = HeaderValue::from_str(&clear) {
                response.headers_mut().append(SET_COOKIE, value);
            }
            response
        }
    }
}

/// Back to the page the person came from, with the reason in `?error=`.
fn failure(error: Error, linking: bool) -> Response {
    let correlation_id = error.log_internal();
    if correlation_id.is_none() {
        tracing::info!(%error, "OAuth sign-in failed");
    }
    let message = error.public_message(correlation_id.as_deref());
    let page = if linking { "/profile" } else { "/login" };
    redirect(&format!("{page}?error={}", encode(&message)), &[])
}

fn redirect(location: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    match HeaderValue::from_str(location) {
        Ok(value) => headers.insert(LOCATION, value),
        Err(_) => return Error::BadRequest("unusable redirect".into()).into_response(),
    };
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            headers.append(SET_COOKIE, value);
        }
    }
    response
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn state_cookie(value: &str, secure: bool) -> String {
    // Lax: the provider's redirect back is a top-level GET, which carries Lax cookies.
    Cookie::build((STATE_COOKIE, value.to_owned()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path(COOKIE_PATH)
        .max_age(cookie::time::Duration::minutes(STATE_TTL_MINUTES))
        .build()
        .to_string()
}

fn expired_state_cookie(secure: bool) -> String {
    Cookie::build((STATE_COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path(COOKIE_PATH)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}
