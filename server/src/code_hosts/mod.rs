//! The code hosts' REST APIs, as far as synchronization needs them: the repositories of
//! a GitHub organization, a GitLab group, a Bitbucket workspace or a Bitbucket Data
//! Center project (all pages), whether a repository has a `composer.json` on its default
//! branch, installing Packyard's hook on it, and the teams with their members and
//! repositories. Paths and JSON shapes follow `../shared/spec/code-hosts.md` § B.
//!
//! How host permissions become Packyard teams (one rule per host, in its module):
//! every host team (GitHub team, GitLab group or subgroup, Bitbucket workspace, Bitbucket
//! Data Center project group or user permission) becomes a team that sees the packages
//! of the repositories it reaches; the members who may administer those repositories at
//! the host (GitHub `maintain`/`admin`, GitLab Maintainer and Owner, Bitbucket workspace
//! owners, Data Center `PROJECT_ADMIN`) get a second team, "… (maintain)", with
//! "edit team packages". Nobody becomes an owner of the Packyard organization through a
//! host: that stays a decision made in Packyard.
//!
//! Every call goes through [`Api`], which carries the base URL and the credential and
//! turns HTTP failures into messages a sync job can log.

mod bitbucket;
mod bitbucket_datacenter;
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
    BitbucketDataCenter,
}

impl Host {
    pub fn as_str(self) -> &'static str {
        match self {
            Host::GitHub => "github",
            Host::GitLab => "gitlab",
            Host::Bitbucket => "bitbucket",
            Host::BitbucketDataCenter => "bitbucket_datacenter",
        }
    }

    pub fn parse(stored: &str) -> Option<Host> {
        [
            Host::GitHub,
            Host::GitLab,
            Host::Bitbucket,
            Host::BitbucketDataCenter,
        ]
        .into_iter()
        .find(|host| host.as_str() == stored)
    }

    /// The host a sign-in provider's API belongs to.
    pub fn of_sign_in(kind: crate::auth::oauth::ProviderKind) -> Host {
        use crate::auth::oauth::ProviderKind;
        match kind {
            ProviderKind::GitHub => Host::GitHub,
            ProviderKind::GitLab => Host::GitLab,
            ProviderKind::Bitbucket => Host::Bitbucket,
            ProviderKind::BitbucketDataCenter => Host::BitbucketDataCenter,
        }
    }

    /// The API of the hosted edition; self-hosted ones give theirs
    /// (`https://ghe.example/api/v3`, `https://gitlab.example/api/v4`).
    pub fn default_api_url(self) -> Option<&'static str> {
        match self {
            Host::GitHub => Some("https://api.github.com"),
            Host::GitLab => Some("https://gitlab.com/api/v4"),
            Host::Bitbucket => Some("https://api.bitbucket.org/2.0"),
            // Every Data Center is someone's own.
            Host::BitbucketDataCenter => None,
        }
    }

    /// What the synchronized name is at this host.
    pub fn describe_name(self) -> &'static str {
        match self {
            Host::GitHub => "the GitHub organization (its login)",
            Host::GitLab => "the GitLab group (its full path)",
            Host::Bitbucket => "the Bitbucket workspace (its slug)",
            Host::BitbucketDataCenter => "the Bitbucket Data Center project (its key)",
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

/// The repositories a listing found, and why it may have missed some.
#[derive(Debug)]
pub struct RepositoryListing {
    pub repositories: Vec<RemoteRepository>,
    /// Set when the host says the token cannot see private repositories: a listing of
    /// public ones only would otherwise look complete.
    pub caveat: Option<String>,
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

/// A user at the host, by the id that sign-in stores (`user_identities.provider_user_id`):
/// GitHub, GitLab and Bitbucket Data Center numeric ids, Bitbucket Cloud uuids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMember {
    pub id: String,
    pub login: String,
}

/// A team at the host, at one permission tier (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTeam {
    /// Stable across renames at the host: its id plus the tier.
    pub key: String,
    pub name: String,
    /// Members may edit the team's packages.
    pub maintain: bool,
    pub members: Vec<RemoteMember>,
    /// Clone URLs of the repositories the team reaches, matched to packages by
    /// repository key.
    pub repositories: Vec<String>,
}

impl RemoteTeam {
    /// The team and, when some of its repositories are administered by it, its
    /// "(maintain)" twin with those.
    fn with_maintainers(
        key: String,
        name: String,
        members: Vec<RemoteMember>,
        repositories: Vec<(String, bool)>,
    ) -> Vec<RemoteTeam> {
        let maintained: Vec<String> = repositories
            .iter()
            .filter(|(_, maintain)| *maintain)
            .map(|(url, _)| url.clone())
            .collect();
        let mut teams = vec![RemoteTeam {
            key: key.clone(),
            name: name.clone(),
            maintain: false,
            members: members.clone(),
            repositories: repositories.into_iter().map(|(url, _)| url).collect(),
        }];
        if !maintained.is_empty() {
            teams.push(RemoteTeam {
                key: format!("{key}:maintain"),
                name: format!("{name} (maintain)"),
                maintain: true,
                members,
                repositories: maintained,
            });
        }
        teams
    }
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
    /// The credential works but may not see this (an admin-only listing).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, ApiError::Status { status, .. }
            if *status == StatusCode::FORBIDDEN || *status == StatusCode::UNAUTHORIZED)
    }

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
    pub async fn repositories(&self, name: &str) -> Result<RepositoryListing, ApiError> {
        let complete = |repositories| RepositoryListing {
            repositories,
            caveat: None,
        };
        match self.host {
            Host::GitHub => github::repositories(self, name).await,
            Host::GitLab => gitlab::repositories(self, name).await.map(complete),
            Host::Bitbucket => bitbucket::repositories(self, name).await.map(complete),
            Host::BitbucketDataCenter => bitbucket_datacenter::repositories(self, name)
                .await
                .map(complete),
        }
    }

    /// The teams of the organization, group, workspace or project `name` with their
    /// members and repositories; `repositories` is what [`Api::repositories`] found.
    pub async fn teams(
        &self,
        name: &str,
        repositories: &[RemoteRepository],
    ) -> Result<Vec<RemoteTeam>, ApiError> {
        match self.host {
            Host::GitHub => github::teams(self, name).await,
            Host::GitLab => gitlab::teams(self, name).await,
            Host::Bitbucket => bitbucket::teams(self, name, repositories).await,
            Host::BitbucketDataCenter => {
                bitbucket_datacenter::teams(self, name, repositories).await
            }
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
            Host::BitbucketDataCenter => {
                bitbucket_datacenter::composer_json_url(self, repository, branch)
            }
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
            Host::BitbucketDataCenter => {
                bitbucket_datacenter::install_hook(self, repository, hook_url, secret).await
            }
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

    /// Every item of a list the host pages with `Link: <…>; rel="next"` (GitHub, GitLab).
    async fn list_linked(&self, first_url: String, what: &str) -> Result<Vec<Value>, ApiError> {
        Ok(self.list_linked_with_headers(first_url, what).await?.0)
    }

    /// [`list_linked`](Self::list_linked), and the headers of the first page.
    async fn list_linked_with_headers(
        &self,
        first_url: String,
        what: &str,
    ) -> Result<(Vec<Value>, reqwest::header::HeaderMap), ApiError> {
        let mut url = Some(first_url);
        let mut found = Vec::new();
        let mut first_headers = None;
        for _ in 0..MAX_PAGES {
            let Some(page_url) = url.take() else { break };
            let (body, headers) = self.get_json(&page_url).await?;
            let Value::Array(items) = body else {
                return Err(shape(&page_url, &format!("expected a list of {what}")));
            };
            found.extend(items);
            url = next_link(&headers);
            first_headers.get_or_insert(headers);
        }
        Ok((found, first_headers.unwrap_or_default()))
    }

    /// Every item of a list paged in the body: `values` with a `next` URL (Bitbucket
    /// Cloud) or `isLastPage` and `nextPageStart` (Bitbucket Data Center).
    async fn list_values(&self, first_url: String) -> Result<Vec<Value>, ApiError> {
        let mut url = Some(first_url.clone());
        let mut found = Vec::new();
        for _ in 0..MAX_PAGES {
            let Some(page_url) = url.take() else { break };
            let (body, _) = self.get_json(&page_url).await?;
            let items = body
                .get("values")
                .and_then(Value::as_array)
                .ok_or_else(|| shape(&page_url, "expected `values`"))?;
            found.extend(items.iter().cloned());
            url = match (
                text(&body, "/next"),
                body.get("isLastPage").and_then(Value::as_bool),
                body.get("nextPageStart").and_then(Value::as_i64),
            ) {
                (Some(next), _, _) => Some(next),
                (None, Some(false), Some(start)) => {
                    let separator = if first_url.contains('?') { '&' } else { '?' };
                    Some(format!("{first_url}{separator}start={start}"))
                }
                _ => None,
            };
        }
        Ok(found)
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

/// The clone link named `name` (`https`, Data Center's `http`) without the user name the
/// listing puts in for the caller: the package URL must not carry it.
fn clone_link(repository: &Value, name: &str) -> Option<String> {
    let href = repository
        .pointer("/links/clone")
        .and_then(Value::as_array)?
        .iter()
        .find(|link| link.get("name").and_then(Value::as_str) == Some(name))
        .and_then(|link| text(link, "/href"))?;
    Some(match url::Url::parse(&href) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => href,
    })
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
