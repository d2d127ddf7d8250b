//! Which host sent a webhook. Headers first, in an order that respects the copies hosts
//! send of each other's headers (see the module docs of `webhooks`); the body only for
//! senders without a header of their own.

use axum::http::HeaderMap;
use serde_json::Value;

use super::body::{self, header, text};
use super::{Provider, WebhookError, generic};

/// The provider of a request, from its headers and, failing those, its body.
pub fn detect(headers: &HeaderMap, body: &[u8]) -> Result<Provider, WebhookError> {
    if let Some(provider) = from_headers(headers) {
        return Ok(provider);
    }
    let value = body::decode(headers, body)?;
    from_body(&value).ok_or_else(unknown)
}

pub(super) fn detect_decoded(headers: &HeaderMap, value: &Value) -> Result<Provider, WebhookError> {
    from_headers(headers)
        .or_else(|| from_body(value))
        .ok_or_else(unknown)
}

fn unknown() -> WebhookError {
    WebhookError::Unsupported(
        "cannot tell which code host sent this: no known event header (X-GitHub-Event, \
         X-Gitlab-Event, X-Gitea-Event, X-Event-Key, …) and no repository URL in the body \
         (send {\"repository\":{\"url\":\"…\"}})"
            .into(),
    )
}

fn from_headers(headers: &HeaderMap) -> Option<Provider> {
    let has = |name: &str| header(headers, name).is_some();
    if has("x-amz-sns-message-type") {
        Some(Provider::CodeCommit)
    } else if has("x-forgejo-event") {
        Some(Provider::Forgejo)
    } else if has("x-gitea-event") {
        Some(Provider::Gitea)
    } else if has("x-gogs-event") {
        Some(Provider::Gogs)
    } else if has("x-github-event") {
        if has("x-github-enterprise-host") || has("x-github-enterprise-version") {
            Some(Provider::GitHubEnterprise)
        } else {
            Some(Provider::GitHub)
        }
    } else if has("x-gitlab-event") {
        Some(Provider::GitLab)
    } else if has("x-gitee-event") {
        Some(Provider::Gitee)
    } else {
        header(headers, "x-event-key").map(|key| bitbucket_flavour(headers, key))
    }
}

/// Both Bitbucket products send `X-Event-Key`. Cloud-only and Server-only event keys
/// decide where they exist; otherwise Cloud's `X-Hook-UUID`/`X-Request-UUID` headers
/// (Server sends `X-Request-Id`).
fn bitbucket_flavour(headers: &HeaderMap, key: &str) -> Provider {
    match key {
        "repo:push" | "repo:updated" | "repo:transfer" => Provider::BitbucketCloud,
        "repo:refs_changed" | "repo:modified" | "diagnostics:ping" => Provider::BitbucketServer,
        _ if key.starts_with("mirror:") => Provider::BitbucketServer,
        _ if header(headers, "x-hook-uuid").is_some()
            || header(headers, "x-request-uuid").is_some() =>
        {
            Provider::BitbucketCloud
        }
        _ => Provider::BitbucketServer,
    }
}

fn from_body(value: &Value) -> Option<Provider> {
    let sns_type = text(value, "/Type");
    if matches!(
        sns_type,
        Some("Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation")
    ) && text(value, "/TopicArn").is_some()
    {
        return Some(Provider::CodeCommit);
    }
    let records = body::array(value, "/Records");
    if records
        .iter()
        .any(|record| text(record, "/eventSource") == Some("aws:codecommit"))
    {
        return Some(Provider::CodeCommit);
    }
    if text(value, "/eventType").is_some() && value.get("resource").is_some() {
        return Some(Provider::AzureDevOps);
    }
    if !generic::urls(value).is_empty() {
        return Some(Provider::Generic);
    }
    None
}
