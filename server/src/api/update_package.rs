//! Packagist's (and Packeton's) update endpoints, so existing hooks keep working when
//! pointed at Packyard: `POST /api/update-package`, `/api/github`, `/api/bitbucket`
//! with any payload the `webhooks` core reads (including the generic
//! `{"repository":{"url":…}}`), `POST /api/update-package/<vendor>/<name>` and
//! `GET|POST /api/update-package?composer_package_name=a/b,c/d`.
//!
//! Credentials: `?token=<username>:<apiToken>`, `?username=…&apiToken=…`,
//! `Authorization: Bearer <username>:<apiToken>` or HTTP Basic, with a personal API
//! token of that user; or an UPDATE organization token (`?token=pyo_…`, Bearer or Basic
//! password). Only packages the identity may update are searched.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use super::{Outcome, act_on, respond};
use crate::app::AppState;
use crate::auth::{Actor, TokenAccess};
use crate::domain::hooks::{self, Caller, Target};
use crate::domain::{api_tokens, organization_tokens};
use crate::error::{Error, Result};
use crate::webhooks;

#[derive(Deserialize, Default)]
pub struct Credentials {
    token: Option<String>,
    username: Option<String>,
    #[serde(rename = "apiToken")]
    api_token: Option<String>,
    composer_package_name: Option<String>,
}

/// `POST /api/update-package`, `/api/github`, `/api/bitbucket`.
pub async fn by_payload(
    State(state): State<AppState>,
    Query(query): Query<Credentials>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(handle_payload(&state, &query, &headers, &body).await)
}

/// `GET /api/update-package?composer_package_name=a/b,c/d`.
pub async fn by_query(
    State(state): State<AppState>,
    Query(query): Query<Credentials>,
    headers: HeaderMap,
) -> Response {
    let names = query
        .composer_package_name
        .as_deref()
        .map(split_names)
        .unwrap_or_default();
    respond(handle_names(&state, &query, &headers, names).await)
}

/// `POST /api/update-package/{vendor}/{name}`.
pub async fn by_name(
    State(state): State<AppState>,
    Path((vendor, name)): Path<(String, String)>,
    Query(query): Query<Credentials>,
    headers: HeaderMap,
) -> Response {
    respond(handle_names(&state, &query, &headers, vec![format!("{vendor}/{name}")]).await)
}

async fn handle_payload(
    state: &AppState,
    query: &Credentials,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Outcome> {
    // Credentials first: an unauthenticated caller learns nothing about payloads.
    let actor = authenticate(state, query, headers).await?;
    if let Some(names) = query.composer_package_name.as_deref() {
        return handle_named(state, &actor, split_names(names)).await;
    }
    let event = webhooks::parse(headers, body)?;
    act_on(state, Caller::Actor(&actor), None, &event).await
}

async fn handle_names(
    state: &AppState,
    query: &Credentials,
    headers: &HeaderMap,
    names: Vec<String>,
) -> Result<Outcome> {
    let actor = authenticate(state, query, headers).await?;
    handle_named(state, &actor, names).await
}

async fn handle_named(state: &AppState, actor: &Actor, names: Vec<String>) -> Result<Outcome> {
    if names.is_empty() {
        return Err(Error::BadRequest(
            "name the packages: composer_package_name=vendor/name[,vendor/name…]".into(),
        ));
    }
    let receipt = hooks::update_packages(
        &state.db,
        &state.jobs,
        Caller::Actor(actor),
        "generic",
        Target::Names(names),
    )
    .await?;
    Ok(Outcome::Queued(receipt))
}

fn split_names(names: &str) -> Vec<String> {
    names
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The identity behind the request's credentials. Missing or wrong ones are 401; a READ
/// organization token is 403, since it is valid but may not cause updates.
async fn authenticate(state: &AppState, query: &Credentials, headers: &HeaderMap) -> Result<Actor> {
    let (username, secret) = presented(query, headers).ok_or_else(|| {
        Error::Unauthenticated(
            "send credentials: ?token=<username>:<apiToken> or an UPDATE organization token".into(),
        )
    })?;
    if organization_tokens::is_token_secret(&secret) {
        let rejected = || Error::Unauthenticated("invalid, expired or removed token".into());
        let (holder, _) = organization_tokens::authenticate(&state.db, None, &secret)
            .await?
            .ok_or_else(rejected)?;
        if holder.access != TokenAccess::Update {
            return Err(Error::Forbidden(
                "this token may only read; updates need an UPDATE token".into(),
            ));
        }
        return Ok(Actor::OrganizationToken(holder));
    }
    let actor = api_tokens::authenticate(&state.db, &secret).await?;
    // Packagist's form names the user: a token of someone else is no credential here.
    if let (Some(username), Actor::User(user)) = (username.as_deref(), &actor)
        && !username.eq_ignore_ascii_case(&user.username)
    {
        return Err(Error::Unauthenticated(
            "the API token does not belong to this username".into(),
        ));
    }
    Ok(actor)
}

/// `(username?, secret)` from the query or the `Authorization` header.
fn presented(query: &Credentials, headers: &HeaderMap) -> Option<(Option<String>, String)> {
    if let Some(api_token) = query.api_token.as_deref().filter(|token| !token.is_empty()) {
        return Some((query.username.clone(), api_token.to_owned()));
    }
    if let Some(token) = query.token.as_deref().filter(|token| !token.is_empty()) {
        return Some(split_user_token(token));
    }
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(split_user_token(rest)).filter(|(_, secret)| !secret.is_empty());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = String::from_utf8(STANDARD.decode(rest).ok()?).ok()?;
        let (username, password) = decoded.split_once(':')?;
        return Some((Some(username.to_owned()), password.to_owned()))
            .filter(|(_, secret)| !secret.is_empty());
    }
    None
}

/// `user:apiToken`, or a token alone.
fn split_user_token(token: &str) -> (Option<String>, String) {
    match token.split_once(':') {
        Some((username, secret)) => (Some(username.to_owned()), secret.to_owned()),
        None => (None, token.to_owned()),
    }
}
