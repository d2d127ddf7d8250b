//! An organization's own hook URL: `POST /api/hooks/<org>` (and `/api/hooks/<org>/<sub>`
//! for a suborganization). No Packyard credentials: the delivery proves it knows the
//! organization's hook secret by its host's own scheme (`webhooks::verify`), and then
//! updates the organization's packages whose repository it names.
//!
//! AWS CodeCommit reaches us through Amazon SNS, which shares no secret with anyone: its
//! messages are signed by AWS ([`sns::verify_message`]), which proves only that they come
//! from *some* SNS topic. So the subscription's URL must also carry the secret
//! (`?secret=…`), or anyone could subscribe our URL to a topic of their own.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;

use super::{Outcome, act_on, respond};
use crate::app::AppState;
use crate::db::rows::Organization;
use crate::domain::hooks::{self, Caller};
use crate::domain::{hook_secrets, organizations};
use crate::error::{Error, Result};
use crate::webhooks::{self, EventKind, Provider, SignatureError, sns};

#[derive(Deserialize, Default)]
pub struct HookQuery {
    /// The hook secret, for Amazon SNS subscriptions only.
    secret: Option<String>,
}

/// `POST /api/hooks/{organization}`.
pub async fn organization(
    State(state): State<AppState>,
    Path(organization): Path<String>,
    Query(query): Query<HookQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(handle(&state, &organization, &query, &headers, &body).await)
}

/// `POST /api/hooks/{organization}/{suborganization}`.
pub async fn suborganization(
    State(state): State<AppState>,
    Path((organization, suborganization)): Path<(String, String)>,
    Query(query): Query<HookQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let url_name = format!("{organization}/{suborganization}");
    respond(handle(&state, &url_name, &query, &headers, &body).await)
}

async fn handle(
    state: &AppState,
    url_name: &str,
    query: &HookQuery,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Outcome> {
    let (organization, secret) = organization_and_secret(state, url_name).await?;
    // The signature before the payload: a sender without the secret learns nothing about
    // how its body would be read.
    let provider = webhooks::detect(headers, body)?;
    let mut unsigned = None;
    if provider == Provider::CodeCommit {
        verify_sns(state, query, &secret, body).await?;
    } else {
        match webhooks::verify(provider, headers, body, &secret, Utc::now()) {
            Ok(()) => {}
            Err(missing @ SignatureError::Missing(_)) => unsigned = Some(missing),
            Err(error) => return Err(error.into()),
        }
    }
    let event = webhooks::parse_as(provider, headers, body)?;
    // Bitbucket Server's "Test connection" ping is never signed, and a ping causes no
    // work: answering it tells a caller nothing it could use. Anything else needs the
    // signature.
    if let Some(missing) = unsigned
        && event.kind != EventKind::Ping
    {
        return Err(missing.into());
    }
    let caller = Caller::OrganizationHook {
        organization_id: organization.id,
    };
    if let EventKind::SubscriptionConfirmation { subscribe_url } = &event.kind {
        return confirm_subscription(state, organization.id, subscribe_url).await;
    }
    act_on(state, caller, Some(organization.id), &event).await
}

/// The organization and its secret. An unknown organization and one whose secret nobody
/// has seen yet answer alike, so that the URL tells nothing about which exist.
async fn organization_and_secret(
    state: &AppState,
    url_name: &str,
) -> Result<(Organization, String)> {
    let refused = || {
        Error::Unauthenticated(
            "no hook secret is set up at this URL: copy the hook URL and secret from a \
             package's page in Packyard"
                .into(),
        )
    };
    let mut conn = state.db.get().await?;
    let organization = organizations::find_by_url_name(&mut conn, url_name)
        .await?
        .ok_or_else(refused)?;
    let secret = hook_secrets::stored(&mut conn, &state.sealer, organization.id)
        .await?
        .ok_or_else(refused)?;
    Ok((organization, secret))
}

async fn verify_sns(state: &AppState, query: &HookQuery, secret: &str, body: &[u8]) -> Result<()> {
    let message: Value = serde_json::from_slice(body)
        .map_err(|error| Error::BadRequest(format!("malformed SNS message: {error}")))?;
    if message.get("Type").is_none() {
        return Err(Error::Unauthenticated(
            "a CodeCommit trigger without its SNS envelope carries no signature: turn off \
             raw message delivery on the SNS subscription"
                .into(),
        ));
    }
    let given = query.secret.as_deref().unwrap_or_default();
    if !webhooks::same_secret(given, secret) {
        return Err(Error::Unauthenticated(
            "subscribe the hook URL with its secret: <hook URL>?secret=<hook secret>".into(),
        ));
    }
    let certificate_url = message
        .get("SigningCertURL")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Unauthenticated("the SNS message has no SigningCertURL".into()))?;
    let suffix = state.config.sns_host_suffix.as_deref();
    if !sns::cert_url_allowed(certificate_url, suffix) {
        return Err(Error::Unauthenticated(
            "the SNS SigningCertURL is not an Amazon SNS certificate URL".into(),
        ));
    }
    let certificate = signing_certificate(state, certificate_url).await?;
    sns::verify_message(&message, &certificate)?;
    Ok(())
}

/// SNS signs with a handful of certificates that change rarely; fetching one per message
/// would put AWS on the path of every push.
static CERTIFICATES: Mutex<Option<HashMap<String, Vec<u8>>>> = Mutex::new(None);
const CERTIFICATES_KEPT: usize = 32;

async fn signing_certificate(state: &AppState, url: &str) -> Result<Vec<u8>> {
    if let Some(pem) = CERTIFICATES
        .lock()
        .expect("certificate cache")
        .as_ref()
        .and_then(|cache| cache.get(url).cloned())
    {
        return Ok(pem);
    }
    let unavailable = |reason: String| {
        Error::Unauthenticated(format!(
            "the SNS signing certificate could not be fetched: {reason}"
        ))
    };
    let response = state
        .http
        .get(url)
        .send()
        .await
        .map_err(|error| unavailable(error.to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("HTTP {}", response.status())));
    }
    let pem = response
        .bytes()
        .await
        .map_err(|error| unavailable(error.to_string()))?
        .to_vec();
    let mut cache = CERTIFICATES.lock().expect("certificate cache");
    let cache = cache.get_or_insert_with(HashMap::new);
    if cache.len() >= CERTIFICATES_KEPT {
        cache.clear();
    }
    cache.insert(url.to_owned(), pem.clone());
    Ok(pem)
}

/// Confirms an SNS subscription by fetching its `SubscribeURL`, once the message has
/// been verified and only on an allowed host, so that a message cannot make us request
/// an arbitrary URL.
async fn confirm_subscription(
    state: &AppState,
    organization_id: i64,
    subscribe_url: &str,
) -> Result<Outcome> {
    let provider = Provider::CodeCommit.as_str();
    let event = "subscription_confirmation";
    if !sns::subscribe_url_allowed(subscribe_url, state.config.sns_host_suffix.as_deref()) {
        return Err(Error::BadRequest(
            "the SubscribeURL is not on an Amazon SNS host".into(),
        ));
    }
    let outcome = state.http.get(subscribe_url).send().await;
    let failure = match outcome {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => Some(format!("Amazon SNS answered HTTP {}", response.status())),
        Err(error) => Some(error.to_string()),
    };
    if let Some(reason) = failure {
        let message = format!("confirming the subscription failed: {reason}");
        hooks::record(
            &state.db,
            Some(organization_id),
            None,
            provider,
            event,
            "failed",
            502,
            Some(&message),
        )
        .await?;
        return Err(Error::BadRequest(message));
    }
    hooks::record(
        &state.db,
        Some(organization_id),
        None,
        provider,
        event,
        "confirmed",
        200,
        None,
    )
    .await?;
    Ok(Outcome::NoWork(
        "confirmed",
        "the Amazon SNS subscription is confirmed".into(),
    ))
}
