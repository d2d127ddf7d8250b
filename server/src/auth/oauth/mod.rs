//! Sign-in with code hosts: the configured OAuth providers, the authorization-code flow
//! with PKCE through the `oauth2` crate, and (in `profile`) who the token belongs to.
//!
//! Facts about each host (paths, scopes, quirks) are in the team's code-hosts spec; the
//! comments here say which quirk a line is for.

mod errors;
pub mod profile;

use std::collections::BTreeMap;

use chrono::Duration;
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope,
    TokenResponse, TokenUrl,
};

use crate::config::{Config, OAuthProviderConfig};

pub use errors::ProviderError;
pub use profile::{Profile, ProfileEmail};

/// Which API a provider speaks. Self-hosted editions are the same kind with a base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    GitHub,
    GitLab,
    Bitbucket,
    BitbucketDataCenter,
}

impl ProviderKind {
    /// The kind of the config entry `name`: its `kind`, else the name itself.
    pub fn of(name: &str, config: &OAuthProviderConfig) -> anyhow::Result<ProviderKind> {
        let kind = config.kind.as_deref().unwrap_or(name);
        match kind {
            "github" => Ok(ProviderKind::GitHub),
            "gitlab" => Ok(ProviderKind::GitLab),
            "bitbucket" => Ok(ProviderKind::Bitbucket),
            "bitbucket_datacenter" => {
                anyhow::ensure!(
                    config.base_url.is_some(),
                    "OAuth provider {name}: Bitbucket Data Center needs base_url"
                );
                Ok(ProviderKind::BitbucketDataCenter)
            }
            other => anyhow::bail!(
                "OAuth provider {name}: unknown kind {other:?} (github, gitlab, bitbucket, bitbucket_datacenter)"
            ),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::GitHub => "github",
            ProviderKind::GitLab => "gitlab",
            ProviderKind::Bitbucket => "bitbucket",
            ProviderKind::BitbucketDataCenter => "bitbucket_datacenter",
        }
    }

    fn default_display_name(self, self_hosted: bool) -> &'static str {
        match (self, self_hosted) {
            (ProviderKind::GitHub, false) => "GitHub",
            (ProviderKind::GitHub, true) => "GitHub Enterprise",
            (ProviderKind::GitLab, _) => "GitLab",
            (ProviderKind::Bitbucket, _) => "Bitbucket",
            (ProviderKind::BitbucketDataCenter, _) => "Bitbucket Data Center",
        }
    }

    fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::GitHub => "https://github.com",
            ProviderKind::GitLab => "https://gitlab.com",
            ProviderKind::Bitbucket => "https://bitbucket.org",
            // Checked in `of`: there is no public Bitbucket Data Center.
            ProviderKind::BitbucketDataCenter => "",
        }
    }

    /// What login needs: the identity and the verified email addresses.
    fn default_scopes(self) -> &'static [&'static str] {
        match self {
            ProviderKind::GitHub => &["read:user", "user:email"],
            ProviderKind::GitLab => &["read_user"],
            // Bitbucket Cloud's scopes are ticked on the consumer, not asked for.
            ProviderKind::Bitbucket => &[],
            ProviderKind::BitbucketDataCenter => &["PUBLIC_REPOS"],
        }
    }
}

/// One configured provider, with every URL resolved.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The config entry's name: in URLs (`/auth/oauth/{name}/start`) and stored identities.
    pub name: String,
    pub kind: ProviderKind,
    pub display_name: String,
    client_id: String,
    client_secret: String,
    authorize_url: String,
    token_url: String,
    /// The REST API base, without a trailing slash.
    pub api_url: String,
    scopes: Vec<String>,
    /// Whether a first sign-in may create a user.
    pub allow_signup: bool,
}

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Tokens from a code or refresh exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<Duration>,
    pub scopes: Vec<String>,
}

impl Provider {
    pub fn from_config(name: &str, config: &OAuthProviderConfig) -> anyhow::Result<Provider> {
        let kind = ProviderKind::of(name, config)?;
        let base = config
            .base_url
            .as_deref()
            .unwrap_or(kind.default_base_url())
            .trim_end_matches('/')
            .to_owned();
        let self_hosted = config.base_url.is_some() && base != kind.default_base_url();
        let (authorize, token) = match kind {
            ProviderKind::GitHub => ("/login/oauth/authorize", "/login/oauth/access_token"),
            ProviderKind::GitLab => ("/oauth/authorize", "/oauth/token"),
            ProviderKind::Bitbucket => ("/site/oauth2/authorize", "/site/oauth2/access_token"),
            ProviderKind::BitbucketDataCenter => {
                ("/rest/oauth2/latest/authorize", "/rest/oauth2/latest/token")
            }
        };
        let api_url = match (&config.api_url, kind, self_hosted) {
            (Some(url), _, _) => url.clone(),
            (None, ProviderKind::GitHub, false) => "https://api.github.com".into(),
            (None, ProviderKind::GitHub, true) => format!("{base}/api/v3"),
            (None, ProviderKind::GitLab, _) => format!("{base}/api/v4"),
            (None, ProviderKind::Bitbucket, false) => "https://api.bitbucket.org/2.0".into(),
            (None, ProviderKind::Bitbucket, true) => format!("{base}/2.0"),
            (None, ProviderKind::BitbucketDataCenter, _) => format!("{base}/rest/api/latest"),
        };
        let provider = Provider {
            name: name.to_owned(),
            kind,
            display_name: config
                .display_name
                .clone()
                .unwrap_or_else(|| kind.default_display_name(self_hosted).to_owned()),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            authorize_url: config
                .authorize_url
                .clone()
                .unwrap_or_else(|| format!("{base}{authorize}")),
            token_url: config
                .token_url
                .clone()
                .unwrap_or_else(|| format!("{base}{token}")),
            api_url: api_url.trim_end_matches('/').to_owned(),
            allow_signup: config.allow_signup.unwrap_or(true),
            scopes: config.scopes.clone().unwrap_or_else(|| {
                kind.default_scopes()
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect()
            }),
        };
        // Fail at start, not on the first sign-in.
        provider.client("http://localhost/callback")?;
        Ok(provider)
    }

    fn client(&self, redirect_url: &str) -> anyhow::Result<Client> {
        Ok(BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(self.authorize_url.clone())?)
            .set_token_uri(TokenUrl::new(self.token_url.clone())?)
            .set_redirect_uri(RedirectUrl::new(redirect_url.to_owned())?)
            // Bitbucket Cloud wants the client's credentials as HTTP Basic; the others
            // take them in the body (Bitbucket Data Center only there).
            .set_auth_type(match self.kind {
                ProviderKind::Bitbucket => AuthType::BasicAuth,
                _ => AuthType::RequestBody,
            }))
    }

    /// The URL to send the browser to, the `state` it will bring back, and the PKCE
    /// verifier (S256) to keep until then.
    pub fn authorize(&self, redirect_url: &str) -> Result<(String, String, String), ProviderError> {
        let client = self.client(redirect_url).map_err(ProviderError::internal)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url.to_string(),
            state.secret().clone(),
            verifier.secret().clone(),
        ))
    }

    /// Trades the callback's code (and the PKCE verifier) for tokens.
    pub async fn exchange_code(
        &self,
        http: &reqwest::Client,
        redirect_url: &str,
        code: &str,
        verifier: &str,
    ) -> Result<Tokens, ProviderError> {
        let client = self.client(redirect_url).map_err(ProviderError::internal)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(http)
            .await
            .map_err(|error| ProviderError::from_token_error(&self.display_name, error))?;
        Ok(tokens_of(response))
    }

    /// A fresh access token for a refresh token (GitLab's, Bitbucket's, GitHub App
    /// user tokens expire; providers may rotate the refresh token too).
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        redirect_url: &str,
        refresh_token: &str,
    ) -> Result<Tokens, ProviderError> {
        let client = self.client(redirect_url).map_err(ProviderError::internal)?;
        let refresh_token = RefreshToken::new(refresh_token.to_owned());
        let response = client
            .exchange_refresh_token(&refresh_token)
            .request_async(http)
            .await
            .map_err(|error| ProviderError::from_token_error(&self.display_name, error))?;
        let mut tokens = tokens_of(response);
        // A provider that does not rotate sends no new refresh token: keep the old one.
        tokens
            .refresh_token
            .get_or_insert_with(|| refresh_token.secret().clone());
        Ok(tokens)
    }
}

fn tokens_of(response: BasicTokenResponse) -> Tokens {
    Tokens {
        access_token: response.access_token().secret().clone(),
        refresh_token: response.refresh_token().map(|t| t.secret().clone()),
        expires_in: response
            .expires_in()
            .and_then(|d| Duration::from_std(d).ok()),
        // GitHub answers `read:user,user:email`: one "scope" to the crate.
        scopes: response
            .scopes()
            .into_iter()
            .flatten()
            .flat_map(|scope| scope.split(',').map(str::trim).map(str::to_owned))
            .filter(|scope| !scope.is_empty())
            .collect(),
    }
}

/// The configured providers, by name (in the order of their names).
#[derive(Debug, Clone, Default)]
pub struct Providers(BTreeMap<String, Provider>);

impl Providers {
    pub fn from_config(config: &Config) -> anyhow::Result<Providers> {
        config
            .oauth
            .iter()
            .map(|(name, entry)| Ok((name.clone(), Provider::from_config(name, entry)?)))
            .collect::<anyhow::Result<_>>()
            .map(Providers)
    }

    pub fn get(&self, name: &str) -> Option<&Provider> {
        self.0.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Provider> {
        self.0.values()
    }
}

/// Where a provider sends the browser back to.
pub fn callback_url(config: &Config, provider: &str) -> String {
    format!("{}/auth/oauth/{provider}/callback", config.public_url())
}

pub fn start_path(provider: &str) -> String {
    format!("/auth/oauth/{provider}/start")
}

/// Whether a token that expires at `expires_at` should be refreshed before use: a
/// minute of margin, so it does not run out on the way.
pub fn needs_refresh(
    expires_at: Option<chrono::NaiveDateTime>,
    now: chrono::NaiveDateTime,
) -> bool {
    expires_at.is_some_and(|expires_at| expires_at - Duration::seconds(60) <= now)
}

#[cfg(test)]
mod tests;
