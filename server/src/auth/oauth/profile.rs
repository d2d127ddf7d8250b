//! Who an access token belongs to, asked of each host's REST API: the stable id, the
//! login, and the email addresses with whether the host verified them.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Provider, ProviderError, ProviderKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Stable across renames: GitHub/GitLab/Bitbucket DC numeric ids, Bitbucket uuids.
    pub id: String,
    pub login: String,
    pub name: Option<String>,
    pub emails: Vec<ProfileEmail>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileEmail {
    pub email: String,
    pub verified: bool,
    pub primary: bool,
}

impl Profile {
    /// The address to show and to give a new user: the primary verified one, else any
    /// verified one.
    pub fn verified_email(&self) -> Option<&str> {
        let verified = || self.emails.iter().filter(|e| e.verified);
        verified()
            .find(|e| e.primary)
            .or_else(|| verified().next())
            .map(|e| e.email.as_str())
    }

    pub fn verified_emails(&self) -> impl Iterator<Item = &str> {
        self.emails
            .iter()
            .filter(|e| e.verified)
            .map(|e| e.email.as_str())
    }
}

pub async fn fetch(
    provider: &Provider,
    http: &reqwest::Client,
    access_token: &str,
) -> Result<Profile, ProviderError> {
    let api = Api {
        provider,
        http,
        access_token,
    };
    match provider.kind {
        ProviderKind::GitHub => github(&api).await,
        ProviderKind::GitLab => gitlab(&api).await,
        ProviderKind::Bitbucket => bitbucket(&api).await,
        ProviderKind::BitbucketDataCenter => bitbucket_datacenter(&api).await,
    }
}

struct Api<'a> {
    provider: &'a Provider,
    http: &'a reqwest::Client,
    access_token: &'a str,
}

impl Api<'_> {
    async fn get_response(&self, path: &str) -> Result<reqwest::Response, ProviderError> {
        let mut request = self
            .http
            .get(format!("{}{path}", self.provider.api_url))
            .bearer_auth(self.access_token);
        if self.provider.kind == ProviderKind::GitHub {
            request = request
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28");
        } else {
            request = request.header("Accept", "application/json");
        }
        let response = request
            .send()
            .await
            .map_err(|error| ProviderError::Unreachable {
                provider: self.provider.display_name.clone(),
                detail: error.to_string(),
            })?;
        if !response.status().is_success() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            return Err(ProviderError::Unexpected {
                provider: self.provider.display_name.clone(),
                detail: format!("GET {path} answered {status}{}", message_of(&body)),
            });
        }
        Ok(response)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ProviderError> {
        let body = self
            .get_response(path)
            .await?
            .bytes()
            .await
            .map_err(|error| ProviderError::Unreachable {
                provider: self.provider.display_name.clone(),
                detail: error.to_string(),
            })?;
        serde_json::from_slice(&body).map_err(|error| ProviderError::Unexpected {
            provider: self.provider.display_name.clone(),
            detail: format!("GET {path}: {error}"),
        })
    }
}

/// The `message` (GitHub, GitLab) or `error.message` (Bitbucket) of an error body.
fn message_of(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return String::new();
    };
    let message = value["message"]
        .as_str()
        .or_else(|| value["error"]["message"].as_str())
        .or_else(|| value["errors"][0]["message"].as_str());
    message.map(|m| format!(": {m}")).unwrap_or_default()
}

async fn github(api: &Api<'_>) -> Result<Profile, ProviderError> {
    #[derive(Deserialize)]
    struct User {
        id: i64,
        login: String,
        name: Option<String>,
    }
    #[derive(Deserialize)]
    struct Email {
        email: String,
        primary: bool,
        verified: bool,
    }
    let user: User = api.get("/user").await?;
    let emails: Vec<Email> = api.get("/user/emails").await?;
    Ok(Profile {
        id: user.id.to_string(),
        login: user.login,
        name: user.name,
        emails: emails
            .into_iter()
            .map(|e| ProfileEmail {
                email: e.email,
                verified: e.verified,
                primary: e.primary,
            })
            .collect(),
    })
}

async fn gitlab(api: &Api<'_>) -> Result<Profile, ProviderError> {
    #[derive(Deserialize)]
    struct User {
        id: i64,
        username: String,
        name: Option<String>,
        email: Option<String>,
        /// Set once the primary address is confirmed (GitLab shows it to the user).
        confirmed_at: Option<String>,
    }
    let user: User = api.get("/user").await?;
    Ok(Profile {
        id: user.id.to_string(),
        login: user.username,
        name: user.name,
        emails: user
            .email
            .into_iter()
            .map(|email| ProfileEmail {
                email,
                verified: user.confirmed_at.is_some(),
                primary: true,
            })
            .collect(),
    })
}

async fn bitbucket(api: &Api<'_>) -> Result<Profile, ProviderError> {
    #[derive(Deserialize)]
    struct User {
        uuid: String,
        nickname: Option<String>,
        username: Option<String>,
        display_name: Option<String>,
    }
    #[derive(Deserialize)]
    struct Emails {
        values: Vec<Email>,
    }
    #[derive(Deserialize)]
    struct Email {
        email: String,
        is_primary: bool,
        is_confirmed: bool,
    }
    let user: User = api.get("/user").await?;
    let emails: Emails = api.get("/user/emails").await?;
    Ok(Profile {
        login: user
            .username
            .or(user.nickname)
            .unwrap_or_else(|| user.uuid.trim_matches(['{', '}']).to_owned()),
        id: user.uuid,
        name: user.display_name,
        emails: emails
            .values
            .into_iter()
            .map(|e| ProfileEmail {
                email: e.email,
                verified: e.is_confirmed,
                primary: e.is_primary,
            })
            .collect(),
    })
}

/// Bitbucket Data Center has no "current user" endpoint: any authenticated call names
/// the user in `X-AUSERNAME`, then the user is read by slug.
async fn bitbucket_datacenter(api: &Api<'_>) -> Result<Profile, ProviderError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct User {
        id: i64,
        name: String,
        slug: String,
        email_address: Option<String>,
        display_name: Option<String>,
    }
    let response = api.get_response("/application-properties").await?;
    let username = response
        .headers()
        .get("X-AUSERNAME")
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ProviderError::Unexpected {
            provider: api.provider.display_name.clone(),
            detail: "no X-AUSERNAME header: the token was not accepted".into(),
        })?
        .to_owned();
    let slug: String = url::form_urlencoded::byte_serialize(username.as_bytes()).collect();
    let user: User = api.get(&format!("/users/{slug}")).await?;
    Ok(Profile {
        id: user.id.to_string(),
        login: if user.slug.is_empty() {
            user.name
        } else {
            user.slug
        },
        name: user.display_name,
        // Data Center takes addresses from its user directory and verifies none, so
        // they never sign anyone in to an existing account.
        emails: user
            .email_address
            .into_iter()
            .map(|email| ProfileEmail {
                email,
                verified: false,
                primary: true,
            })
            .collect(),
    })
}
