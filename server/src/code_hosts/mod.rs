//! The code hosts' REST APIs, as far as synchronization needs them: the repositories of
//! a GitHub organization, a GitLab group or a Bitbucket workspace (all pages), whether
//! a repository has a `composer.json` on its default branch, and installing Packyard's
//! hook on it. Paths and JSON shapes follow `../shared/spec/code-hosts.md` § B.
//!
//! Every call goes through [`Api`], which carries the base URL and the credential and
//! turns HTTP failures into messages a sync job can log.

mod bitbucket;
mod github;
mod gitlab;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;

/// At most this many pages are followed, so that a host answering `next` for ever
/// cannot keep a job running.
const MAX_PAGES: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    GitHub,
    GitLab,
    Bitbucket,
}

impl Host {
    pub fn as_str(self) -> &'static str {
        match self {
            Host::GitHub => "github",
            Host::GitLab => "gitlab",
            Host::Bitbucket => "bitbucket",
        }
    }

    pub fn parse(stored: &str) -> Option<Host> {
        [Host::GitHub, Host::GitLab, Host::Bitbucket]
            .into_iter()
            .find(|host| host.as_str() == stored)
    }

    /// The API of the hosted edition; self-hosted ones give theirs
    /// (`https://ghe.example/api/v3`, `https://gitlab.example/api/v4`).
    pub fn default_api_url(self) -> &'static str {
        match self {
            Host::GitHub => "https://api.github.com",
            Host::GitLab => "https://gitlab.com/api/v4",
            Host::Bitbucket => "https://api.bitbucket.org/2.0",
        }
    }

    /// What the synchronized name is at this host.
    pub fn describe_name(self) -> &'static str {
        match self {
            Host::GitHub => "the GitHub organization (its login)",
            Host::GitLab => "the GitLab group (its full path)",
            Host::Bitbucket => "the Bitbucket workspace (its slug)",
        }
    }
}

/// How requests authenticate: a token (GitHub, GitLab, Bitbucket OAuth) or a user name
/// and password (Bitbucket app passwords).
#[derive(Clone)]
pub enum ApiCredential {
    Token(String),
    Basic { username: String, password: String },
}

/// A repository to read as a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRepository {
    /// How the host addresses it in API paths: `owner/name`, a GitLab project id, a
    /// Bitbucket `workspace/slug`.
    pub api_id: String,
    /// `owner/name` as people see it.
    pub full_name: String,
    /// The HTTPS clone URL, which the credential reads.
    pub clone_url: String,
    pub default_branch: Option<String>,
}

/// What installing the hook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookInstall {
    Created,
    /// A hook with this URL exists already (from an earlier sync, or set up by hand).
    Present,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}: {1}")]
    Request(String, String),
    #[error("{url} answered HTTP {status}: {message}")]
    Status {
        url: String,
        status: StatusCode,
        message: String,
    },
    #[error("{url} answered something unexpected: {reason}")]
    Shape { url: String, reason: String },
}

impl ApiError {
    /// Whether another attempt cannot help (bad credential, missing rights, no such
    /// organization), as opposed to a host that is down.
    pub fn is_permanent(&self) -> bool {
        matches!(self, ApiError::Status { status, .. } if status.is_client_error()
            && *status != StatusCode::TOO_MANY_REQUESTS)
    }
}

pub struct Api<'a> {
    pub host: Host,
    pub base_url: String,
    pub credential: ApiCredential,
    pub http: &'a reqwest::Client,
}

impl Api<'_> {
    /// Every repository of the organization, group or workspace `name`.
    pub async fn repositories(&self, name: &str) -> Result<Vec<RemoteRepository>, ApiError> {
        match self.host {
            Host::GitHub => github::repositories(self, name).await,
            Host::GitLab => gitlab::repositories(self, name).await,
            Host::Bitbucket => bitbucket::repositories(self, name).await,
        }
    }

    /// Whether the repository has a `composer.json` on its default branch.
    pub async fn has_composer_json(&self, repository: &RemoteRepository) -> Result<bool, ApiError> {
        let Some(branch) = repository.default_branch.as_deref() else {
            return Ok(false);
        };
        let url = match self.host {
            Host::GitHub => github::composer_json_url(self, repository, branch),
            Host::GitLab => gitlab::composer_json_url(self, repository, branch),
            Host::Bitbucket => bitbucket::composer_json_url(self, repository, branch),
        };
        let response = self.send(self.get(&url)).await?;
        match response.status() {
            status if status.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(failure(&url, response).await),
        }
    }

    /// Installs a push hook to `hook_url` signed with `secret`, unless one with that URL
    /// is there already.
    pub async fn install_hook(
        &self,
        repository: &RemoteRepository,
        hook_url: &str,
        secret: &str,
    ) -> Result<HookInstall, ApiError> {
        match self.host {
            Host::GitHub => github::install_hook(self, repository, hook_url, secret).await,
            Host::GitLab => gitlab::install_hook(self, repository, hook_url, secret).await,
            Host::Bitbucket => bitbucket::install_hook(self, repository, hook_url, secret).await,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }

    fn authorized(&self, request: RequestBuilder) -> RequestBuilder {
        let request = match self.host {
            Host::GitHub => request
                .header(
                    ACCEPT,
                    HeaderValue::from_static("application/vnd.github+json"),
                )
                .header("X-GitHub-Api-Version", "2022-11-28"),
            _ => request.header(ACCEPT, HeaderValue::from_static("application/json")),
        };
        match &self.credential {
            ApiCredential::Token(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
            ApiCredential::Basic { username, password } => {
                request.basic_auth(username, Some(password))
            }
        }
    }

    fn get(&self, url: &str) -> RequestBuilder {
        self.authorized(self.http.get(url))
    }

    fn post(&self, url: &str, body: &Value) -> RequestBuilder {
        self.authorized(self.http.post(url)).json(body)
    }

    async fn send(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        let request = request
            .build()
            .map_err(|error| ApiError::Request("invalid request".into(), error.to_string()))?;
        let url = request.url().to_string();
        self.http
            .execute(request)
            .await
            .map_err(|error| ApiError::Request(url, error.to_string()))
    }

    /// GET that must succeed, with its JSON body and headers.
    async fn get_json(&self, url: &str) -> Result<(Value, reqwest::header::HeaderMap), ApiError> {
        let response = self.send(self.get(url)).await?;
        if !response.status().is_success() {
            return Err(failure(url, response).await);
        }
        let headers = response.headers().clone();
        let body = response
            .json::<Value>()
            .await
            .map_err(|error| ApiError::Shape {
                url: url.to_owned(),
                reason: format!("not JSON ({error})"),
            })?;
        Ok((body, headers))
    }

    /// POST that must succeed.
    async fn post_json(&self, url: &str, body: &Value) -> Result<(), ApiError> {
        let response = self.send(self.post(url, body)).await?;
        if !response.status().is_success() {
            return Err(failure(url, response).await);
        }
        Ok(())
    }
}

/// The host's error message (GitHub and GitLab `message`, Bitbucket `error.message`) or
/// the start of the body.
async fn failure(url: &str, response: Response) -> ApiError {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|body| {
            body.pointer("/error/message")
                .or_else(|| body.get("message"))
                .or_else(|| body.get("error"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| text.chars().take(200).collect());
    ApiError::Status {
        url: url.to_owned(),
        status,
        message,
    }
}

fn shape(url: &str, reason: &str) -> ApiError {
    ApiError::Shape {
        url: url.to_owned(),
        reason: reason.to_owned(),
    }
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The `rel="next"` target of a `Link` header (GitHub, GitLab).
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let link = headers.get(reqwest::header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|param| param.trim().replace(' ', "") == "rel=\"next\"")
            .then(|| {
                target
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, LINK};

    use super::next_link;

    #[test]
    fn the_next_page_comes_from_the_link_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<https://api.github.com/organizations/1/repos?page=3>; rel=\"next\", <https://api.github.com/organizations/1/repos?page=5>; rel=\"last\"",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.github.com/organizations/1/repos?page=3")
        );
        headers.insert(
            LINK,
            HeaderValue::from_static("<https://x/repos?page=1>; rel=\"prev\""),
        );
        assert_eq!(next_link(&headers), None);
    }
}
