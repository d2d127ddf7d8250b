use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};

use super::{actor, parse_id, state};
use crate::db::rows;
use crate::domain::credentials::{self, CredentialKind, NewCredentialInput, Secret};

/// The kinds of credential of the management API.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CredentialType {
    HttpBasic,
    GithubOauth,
    GitlabToken,
    BitbucketAppPw,
    SshKey,
    HttpHeader,
    Magento,
    /// A member's sign-in at a code host, made by `createSynchronization` with a
    /// `loginProvider`; its token is the account's, refreshed as needed.
    CodeHostSignIn,
}

impl From<CredentialType> for CredentialKind {
    fn from(kind: CredentialType) -> Self {
        match kind {
            CredentialType::HttpBasic => CredentialKind::HttpBasic,
            CredentialType::GithubOauth => CredentialKind::GithubOauth,
            CredentialType::GitlabToken => CredentialKind::GitlabToken,
            CredentialType::BitbucketAppPw => CredentialKind::BitbucketAppPassword,
            CredentialType::SshKey => CredentialKind::SshKey,
            CredentialType::HttpHeader => CredentialKind::HttpHeader,
            CredentialType::Magento => CredentialKind::Magento,
            CredentialType::CodeHostSignIn => CredentialKind::CodeHostSignIn,
        }
    }
}

impl From<CredentialKind> for CredentialType {
    fn from(kind: CredentialKind) -> Self {
        match kind {
            CredentialKind::HttpBasic => CredentialType::HttpBasic,
            CredentialKind::GithubOauth => CredentialType::GithubOauth,
            CredentialKind::GitlabToken => CredentialType::GitlabToken,
            CredentialKind::BitbucketAppPassword => CredentialType::BitbucketAppPw,
            CredentialKind::SshKey => CredentialType::SshKey,
            CredentialKind::HttpHeader => CredentialType::HttpHeader,
            CredentialKind::Magento => CredentialType::Magento,
            CredentialKind::CodeHostSignIn => CredentialType::CodeHostSignIn,
        }
    }
}

pub struct CredentialView(pub rows::Credential);

/// Access to a code host for reading package sources. The secret is never returned.
#[Object(name = "Credential")]
impl CredentialView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    #[graphql(name = "type")]
    async fn kind(&self) -> Option<CredentialType> {
        CredentialKind::parse(&self.0.kind).map(Into::into)
    }

    /// The host it is used for.
    async fn domain(&self) -> &str {
        &self.0.domain
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at.and_utc()
    }
}

#[derive(Default)]
pub struct CredentialMutation;

#[Object]
impl CredentialMutation {
    /// Stores a credential (encrypted). `username` + `password` for HTTP_BASIC,
    /// BITBUCKET_APP_PW and MAGENTO; `token` for GITHUB_OAUTH, GITLAB_TOKEN and
    /// HTTP_HEADER; `privateKey` (and `passphrase`) for SSH_KEY.
    #[allow(clippy::too_many_arguments)]
    async fn create_credential(
        &self,
        ctx: &Context<'_>,
        organization: String,
        description: String,
        #[graphql(name = "type")] kind: CredentialType,
        domain: String,
        username: Option<String>,
        password: Option<String>,
        token: Option<String>,
        private_key: Option<String>,
        passphrase: Option<String>,
    ) -> Result<CredentialView> {
        let state = state(ctx);
        let input = NewCredentialInput {
            description: &description,
            kind: kind.into(),
            domain: &domain,
            secret: Secret {
                username,
                password,
                token,
                private_key,
                passphrase,
            },
        };
        let credential =
            credentials::create(&state.db, &state.sealer, actor(ctx), &organization, input).await?;
        Ok(CredentialView(credential))
    }

    /// Replaces the type and the secret of a credential.
    #[allow(clippy::too_many_arguments)]
    async fn edit_credential(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(name = "type")] kind: CredentialType,
        username: Option<String>,
        password: Option<String>,
        token: Option<String>,
        private_key: Option<String>,
        passphrase: Option<String>,
    ) -> Result<CredentialView> {
        let state = state(ctx);
        let secret = Secret {
            username,
            password,
            token,
            private_key,
            passphrase,
        };
        let credential = credentials::edit(
            &state.db,
            &state.sealer,
            actor(ctx),
            parse_id("id", &id)?,
            kind.into(),
            secret,
        )
        .await?;
        Ok(CredentialView(credential))
    }

    async fn remove_credential(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        credentials::remove(&state(ctx).db, actor(ctx), parse_id("id", &id)?).await?;
        Ok(id)
    }
}
