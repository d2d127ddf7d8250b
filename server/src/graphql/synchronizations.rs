use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};

use super::jobs::JobView;
use super::teams::TeamView;
use super::{actor, parse_id, state};
use crate::code_hosts::Host;
use crate::db::rows;
use crate::domain::synchronizations::{self, Connection, SynchronizationInput};
use crate::error::Error;
use crate::jobs::queue;

/// A code host whose organizations, groups or workspaces can be synchronized.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CodeHost {
    /// GitHub or GitHub Enterprise Server (give `apiUrl`: `https://ghe.example/api/v3`).
    Github,
    /// gitlab.com or self-managed GitLab (`apiUrl`: `https://gitlab.example/api/v4`).
    Gitlab,
    /// Bitbucket Cloud.
    Bitbucket,
    /// Bitbucket Data Center or Server (`apiUrl`: `https://bitbucket.example/rest/api/latest`);
    /// the synchronized name is a project key.
    BitbucketDatacenter,
}

impl From<CodeHost> for Host {
    fn from(host: CodeHost) -> Self {
        match host {
            CodeHost::Github => Host::GitHub,
            CodeHost::Gitlab => Host::GitLab,
            CodeHost::Bitbucket => Host::Bitbucket,
            CodeHost::BitbucketDatacenter => Host::BitbucketDataCenter,
        }
    }
}

impl From<Host> for CodeHost {
    fn from(host: Host) -> Self {
        match host {
            Host::GitHub => CodeHost::Github,
            Host::GitLab => CodeHost::Gitlab,
            Host::Bitbucket => CodeHost::Bitbucket,
            Host::BitbucketDataCenter => CodeHost::BitbucketDatacenter,
        }
    }
}

/// The organization connected to a GitHub organization, a GitLab group or a Bitbucket
/// workspace: its repositories with a composer.json become packages, each with
/// Packyard's hook installed.
pub struct SynchronizationView(pub rows::Synchronization);

#[Object(name = "Synchronization")]
impl SynchronizationView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn host(&self) -> Option<CodeHost> {
        Host::parse(&self.0.provider).map(CodeHost::from)
    }

    async fn api_url(&self) -> &str {
        &self.0.api_url
    }

    /// The organization login, group full path or workspace slug at the host.
    async fn name(&self) -> &str {
        &self.0.external_name
    }

    /// Null once the credential was removed (runs then fail until it is replaced). For a
    /// synchronization made with a sign-in, the `CODE_HOST_SIGN_IN` credential.
    async fn credential_id(&self) -> Option<ID> {
        self.0.credential_id.map(|id| ID(id.to_string()))
    }

    /// The sign-in provider (its `name`) through which the host's members are matched to
    /// Packyard users; null when none is configured for this host (teams then arrive
    /// without members).
    async fn login_provider(&self) -> Option<&str> {
        self.0.login_provider.as_deref()
    }

    /// The teams this synchronization manages: their members and packages follow the host.
    async fn teams(&self, ctx: &Context<'_>) -> Result<Vec<TeamView>> {
        let mut conn = state(ctx).db.get().await?;
        Ok(synchronizations::teams(&mut conn, self.0.id)
            .await?
            .into_iter()
            .map(TeamView)
            .collect())
    }

    async fn last_synced_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_synced_at.map(|at| at.and_utc())
    }

    /// The latest run, with its log.
    async fn last_job(&self, ctx: &Context<'_>) -> Result<Option<JobView>> {
        let Some(job_id) = self.0.last_job_id else {
            return Ok(None);
        };
        let mut conn = state(ctx).db.get().await?;
        Ok(queue::find(&mut conn, job_id).await?.map(JobView))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }
}

/// What `createSynchronization` answers: the connection and its first run.
pub struct CreatedSynchronization {
    synchronization: rows::Synchronization,
    job: rows::Job,
}

#[Object]
impl CreatedSynchronization {
    async fn synchronization(&self) -> SynchronizationView {
        SynchronizationView(self.synchronization.clone())
    }

    async fn job(&self) -> JobView {
        JobView(self.job.clone())
    }
}

#[derive(Default)]
pub struct SynchronizationMutation;

#[Object]
impl SynchronizationMutation {
    /// Connects the organization to `name` (organization login, group full path, workspace
    /// slug or Data Center project key) and runs it once. Owners only. Either
    /// `loginProvider`, the name of one of `loginProviders` whose account you have linked
    /// (its token is used and refreshed; host and API follow from it), or `host` with
    /// `credentialId` (a token or app password of someone who may list the repositories
    /// and add hooks) and, for self-hosted editions, `apiUrl`.
    // GraphQL arguments, one per field of the form.
    #[allow(clippy::too_many_arguments)]
    async fn create_synchronization(
        &self,
        ctx: &Context<'_>,
        organization: String,
        name: String,
        login_provider: Option<String>,
        host: Option<CodeHost>,
        credential_id: Option<ID>,
        api_url: Option<String>,
    ) -> Result<CreatedSynchronization> {
        let state = state(ctx);
        let connection = match (login_provider.as_deref(), host, &credential_id) {
            (Some(provider), None, None) => Connection::SignIn { provider },
            (None, Some(host), Some(credential_id)) => Connection::Credential {
                host: host.into(),
                credential_id: parse_id("credentialId", credential_id)?,
                api_url: api_url.as_deref(),
            },
            _ => {
                return Err(Error::invalid(
                    "loginProvider",
                    "give either loginProvider, or host and credentialId",
                )
                .into());
            }
        };
        let input = SynchronizationInput {
            name: &name,
            connection,
        };
        let (synchronization, job) =
            synchronizations::create(state, actor(ctx), &organization, input).await?;
        Ok(CreatedSynchronization {
            synchronization,
            job,
        })
    }

    /// Runs every synchronization of the organization now. Owners only.
    async fn sync_organization(
        &self,
        ctx: &Context<'_>,
        organization: String,
    ) -> Result<Vec<JobView>> {
        let state = state(ctx);
        let jobs =
            synchronizations::run_all(&state.db, &state.jobs, actor(ctx), &organization).await?;
        Ok(jobs.into_iter().map(JobView).collect())
    }

    /// Disconnects; the packages it brought stay. Owners only.
    async fn remove_synchronization(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let state = state(ctx);
        synchronizations::remove(&state.db, actor(ctx), parse_id("id", &id)?).await?;
        Ok(true)
    }
}
