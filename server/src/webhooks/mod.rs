//! Inbound webhooks from code hosts, the pure part: which host sent a request, whether
//! its signature is right, which repository and which refs it names. No HTTP, no
//! database; the handler calls these and then looks packages up by [`repository_key`].
//!
//! A handler does, in this order:
//!
//! 1. `let event = parse(&headers, &body)?` (400 on a malformed or unsupported body).
//! 2. `verify(event.provider, &headers, &body, &secret, now)` (401 on failure). Two
//!    exceptions: a [`EventKind::Ping`] whose signature is *missing* may be answered 200,
//!    because it causes no work and Bitbucket Server's "Test connection" ping is never
//!    signed; and [`Provider::CodeCommit`] is verified with [`sns::verify_message`]
//!    after fetching the certificate at an allowed [`sns::cert_url_allowed`] URL.
//! 3. By kind: `Ping` and `Ignored` answer 200 without work; `SubscriptionConfirmation`
//!    GETs `subscribe_url` once [`sns::subscribe_url_allowed`] agrees; `Push` looks up
//!    the packages whose stored key is in [`Event::repository_keys`] (an index lookup)
//!    and enqueues their updates; `Moved` finds packages by the previous keys.
//!
//! Detection order (first match wins), because several hosts send copies of other
//! hosts' headers: `x-amz-sns-message-type` (CodeCommit over SNS), `X-Forgejo-Event`,
//! `X-Gitea-Event` (Gitea also sends `X-Gogs-Event` and `X-GitHub-Event`),
//! `X-Gogs-Event`, `X-GitHub-Event` (Enterprise when `X-GitHub-Enterprise-Host` or
//! `-Version` is present), `X-Gitlab-Event`, `X-Gitee-Event`, `X-Event-Key` (Bitbucket,
//! see [`detect`]); then the body: an SNS envelope or CodeCommit `Records`, an Azure
//! DevOps service hook (`eventType` + `resource`), and last any body Packagist's
//! update-package endpoint accepts (the generic `{"repository":{"url":…}}`).

mod azure;
mod bitbucket;
mod body;
mod codecommit;
mod detect;
mod generic;
mod gitee;
mod github;
mod gitlab;
mod repository_key;
mod signature;
pub mod sns;

#[cfg(test)]
mod fixtures_tests;
#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod repository_key_tests;
#[cfg(test)]
mod signature_tests;
#[cfg(test)]
mod sns_tests;

use axum::http::HeaderMap;

pub use detect::detect;
pub use repository_key::repository_key;
pub use signature::{SignatureError, same_secret, verify};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    GitHub,
    GitHubEnterprise,
    GitLab,
    BitbucketCloud,
    BitbucketServer,
    Gitea,
    Forgejo,
    Gogs,
    Gitee,
    AzureDevOps,
    /// AWS CodeCommit repository triggers delivered through Amazon SNS (or raw
    /// `Records` when SNS raw message delivery is on, which carries no signature).
    CodeCommit,
    /// A body Packagist's update-package endpoint accepts, e.g. `{"repository":{"url":…}}`.
    Generic,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::GitHub => "github",
            Provider::GitHubEnterprise => "github-enterprise",
            Provider::GitLab => "gitlab",
            Provider::BitbucketCloud => "bitbucket-cloud",
            Provider::BitbucketServer => "bitbucket-server",
            Provider::Gitea => "gitea",
            Provider::Forgejo => "forgejo",
            Provider::Gogs => "gogs",
            Provider::Gitee => "gitee",
            Provider::AzureDevOps => "azure-devops",
            Provider::CodeCommit => "codecommit",
            Provider::Generic => "generic",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub provider: Provider,
    pub kind: EventKind,
    /// Every URL of the repository the payload names (web, http(s) and ssh clone, git,
    /// API), as sent, without duplicates. For CodeCommit: the repository ARN and the
    /// HTTPS clone URL derived from it. Empty when the payload names none (Bitbucket
    /// Server 5.x sends no links); see [`Event::repository_keys`].
    pub repository_urls: Vec<String>,
    /// The refs the payload says changed. Empty on a `Push` means the payload does not
    /// say (generic hooks): update every ref.
    pub refs: Vec<RefChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Refs changed (push, tag or branch created or deleted, release published,
    /// mirror synchronized): update the package.
    Push,
    /// The host checks that the hook works (GitHub `ping`, Bitbucket Server
    /// `diagnostics:ping`, CodeCommit `TriggerEventTest`): answer 200, do nothing.
    Ping,
    /// Amazon SNS asks to confirm the subscription: GET `subscribe_url` once the message
    /// signature is verified and the URL is allowed.
    SubscriptionConfirmation { subscribe_url: String },
    /// The repository was renamed or transferred. `repository_urls` are the new URLs;
    /// packages stored under `previous_urls` should follow (GitHub `repository`
    /// renamed/transferred, GitLab system hooks `project_rename`/`project_transfer`).
    Moved { previous_urls: Vec<String> },
    /// A well-formed event that changes no branch or tag; answer 200 without work.
    Ignored(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefChange {
    pub kind: RefKind,
    /// The short name: `main`, `feature/x`, `v1.0.0` (no `refs/heads/`).
    pub name: String,
    pub change: Change,
    /// The object the ref points to now, as the host reports it: a commit, or for an
    /// annotated tag on some hosts (GitLab, Bitbucket Server) the tag object. `None`
    /// when deleted or when the payload does not say (GitHub `create`, releases).
    pub after: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Branch,
    Tag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Deleted,
}

impl Event {
    fn new(provider: Provider, kind: EventKind) -> Self {
        Event {
            provider,
            kind,
            repository_urls: Vec::new(),
            refs: Vec::new(),
        }
    }

    fn ignored(provider: Provider, reason: impl Into<String>) -> Self {
        Event::new(provider, EventKind::Ignored(reason.into()))
    }

    fn add_url(&mut self, url: Option<&str>) {
        if let Some(url) = url.map(str::trim).filter(|url| !url.is_empty())
            && !self.repository_urls.iter().any(|known| known == url)
        {
            self.repository_urls.push(url.to_owned());
        }
    }

    /// The distinct [`repository_key`]s of `repository_urls`: what to look packages up
    /// by. Empty when no URL could be normalized.
    pub fn repository_keys(&self) -> Vec<String> {
        keys_of(&self.repository_urls)
    }

    /// The keys, or the 400 a handler answers when a push names no usable URL (a
    /// Bitbucket Server 5.x payload without `links`, say).
    pub fn require_repository_keys(&self) -> Result<Vec<String>, WebhookError> {
        let keys = self.repository_keys();
        if keys.is_empty() {
            return Err(WebhookError::NoRepository(self.provider));
        }
        Ok(keys)
    }
}

fn keys_of(urls: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for key in urls.iter().filter_map(|url| repository_key(url)) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// A body we cannot use. Always the sender's fault, so it maps to a 4xx with the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("malformed webhook payload: {0}")]
    Malformed(String),
    #[error("unsupported webhook: {0}")]
    Unsupported(String),
    #[error(
        "the {0} webhook names no repository URL that a package could be matched by; \
         point the hook at a package's own update URL instead"
    )]
    NoRepository(Provider),
}

impl From<WebhookError> for crate::error::Error {
    fn from(error: WebhookError) -> Self {
        crate::error::Error::BadRequest(error.to_string())
    }
}

/// Detects the provider and parses the payload (JSON, or a form-encoded `payload` field).
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
    let value = body::decode(headers, body)?;
    let provider = detect::detect_decoded(headers, &value)?;
    parse_value(provider, headers, &value)
}

/// Parses a payload as `provider`'s, for endpoints that name the provider themselves.
pub fn parse_as(
    provider: Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Event, WebhookError> {
    let value = body::decode(headers, body)?;
    parse_value(provider, headers, &value)
}

fn parse_value(
    provider: Provider,
    headers: &HeaderMap,
    value: &serde_json::Value,
) -> Result<Event, WebhookError> {
    if !value.is_object() {
        return Err(WebhookError::Malformed(
            "the body must be a JSON object".into(),
        ));
    }
    match provider {
        Provider::GitHub
        | Provider::GitHubEnterprise
        | Provider::Gitea
        | Provider::Forgejo
        | Provider::Gogs => github::parse(provider, headers, value),
        Provider::GitLab => gitlab::parse(headers, value),
        Provider::Gitee => gitee::parse(headers, value),
        Provider::BitbucketCloud => bitbucket::parse_cloud(headers, value),
        Provider::BitbucketServer => bitbucket::parse_server(headers, value),
        Provider::AzureDevOps => azure::parse(value),
        Provider::CodeCommit => codecommit::parse(value),
        Provider::Generic => generic::parse(value),
    }
}
