//! Synchronizations: an organization connected to a GitHub organization, a GitLab group
//! or a Bitbucket workspace. Owners create, run and remove them; the work is the
//! `sync_organization` job (`jobs::sync_organization`), queued with the change.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::app::AppState;
use crate::auth::Actor;
use crate::code_hosts::Host;
use crate::db::rows::{Job, NewSynchronization, Synchronization, Team};
use crate::db::schema::{synchronizations, teams};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access};
use crate::domain::webhooks::TargetPolicy;
use crate::domain::{credentials, identities};
use crate::error::{Error, Result};
use crate::jobs::queue::{self, Enqueue};
use crate::jobs::{JobPayload, Jobs};

/// How a synchronization calls the host.
pub enum Connection<'a> {
    /// The acting owner's linked account at this sign-in provider (config entry name):
    /// host and API follow from the provider, and the account's token is used, refreshed
    /// when it expires.
    SignIn { provider: &'a str },
    /// A stored token or app password.
    Credential {
        host: Host,
        credential_id: i64,
        /// For self-hosted editions; the hosted API otherwise.
        api_url: Option<&'a str>,
    },
}

pub struct SynchronizationInput<'a> {
    /// The organization login, group full path, workspace slug or project key.
    pub name: &'a str,
    pub connection: Connection<'a>,
}

/// Connects the organization and queues its first run.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    organization_url_name: &str,
    input: SynchronizationInput<'_>,
) -> Result<(Synchronization, Job)> {
    let (host, api_url, sign_in) = match input.connection {
        Connection::SignIn { provider } => {
            let provider = state.oauth.get(provider).ok_or_else(|| {
                Error::invalid(
                    "loginProvider",
                    format!("no sign-in provider is configured as {provider:?}"),
                )
            })?;
            (
                Host::of_sign_in(provider.kind),
                provider.api_url.clone(),
                Some(provider),
            )
        }
        Connection::Credential { host, api_url, .. } => {
            let api_url = match (
                api_url.map(str::trim).filter(|url| !url.is_empty()),
                host.default_api_url(),
            ) {
                (Some(url), _) => validate_api_url(url, TargetPolicy::new(&state.config))?,
                (None, Some(hosted)) => hosted.to_owned(),
                (None, None) => {
                    return Err(Error::invalid(
                        "apiUrl",
                        "give the Data Center's REST API base, e.g. https://bitbucket.example/rest/api/latest",
                    ));
                }
            };
            (host, api_url, None)
        }
    };
    let name = input.name.trim().trim_matches('/');
    if name.is_empty() {
        return Err(Error::invalid(
            "name",
            format!("name {}", host.describe_name()),
        ));
    }
    // Members are matched through the sign-in of this host, when one is configured.
    let login_provider = match sign_in {
        Some(provider) => Some(provider.name.clone()),
        None => state
            .oauth
            .iter()
            .find(|provider| {
                Host::of_sign_in(provider.kind) == host
                    && provider.api_url.trim_end_matches('/') == api_url
            })
            .map(|provider| provider.name.clone()),
    };
    let (synchronization, job) = state
        .db
        .transaction(async |conn| {
            let scope = owner_scope(conn, actor, organization_url_name).await?;
            let credential = match (&input.connection, sign_in) {
                (Connection::SignIn { .. }, Some(provider)) => {
                    let user_id = actor.user()?.id;
                    let identity = identities::of_user(conn, user_id, &provider.name)
                        .await?
                        .ok_or_else(|| {
                            Error::invalid(
                                "loginProvider",
                                format!(
                                    "link your {} account first (Profile → linked accounts)",
                                    provider.display_name
                                ),
                            )
                        })?;
                    let domain = url::Url::parse(&api_url)
                        .ok()
                        .and_then(|url| url.host_str().map(str::to_owned))
                        .unwrap_or_default();
                    credentials::for_sign_in(
                        conn,
                        &state.sealer,
                        scope.root.id,
                        &identity,
                        &provider.display_name,
                        &domain,
                    )
                    .await?
                }
                (Connection::Credential { credential_id, .. }, _) => {
                    let credential =
                        credentials::find_in(conn, scope.root.id, *credential_id).await?;
                    if credential.kind == credentials::CredentialKind::SshKey.as_str() {
                        return Err(Error::invalid(
                            "credentialId",
                            "an SSH key cannot call the host's API: use a token or an app password",
                        ));
                    }
                    credential
                }
                (Connection::SignIn { .. }, None) => unreachable!("resolved above"),
            };
            let taken: i64 = db_run!(conn: {
                synchronizations::table
                    .filter(synchronizations::organization_id.eq(scope.organization.id))
                    .filter(synchronizations::provider.eq(host.as_str()))
                    .filter(synchronizations::api_url.eq(&api_url))
                    .filter(synchronizations::external_name.eq(name))
                    .count()
                    .get_result(conn)
                    .await?
            });
            if taken > 0 {
                return Err(Error::conflict(
                    "name",
                    "this organization is synchronized with it already",
                ));
            }
            let row = NewSynchronization {
                organization_id: scope.organization.id,
                provider: host.as_str(),
                api_url: &api_url,
                external_name: name,
                credential_id: Some(credential.id),
                created_at: db::now(),
                login_provider: login_provider.as_deref(),
            };
            let synchronization: Synchronization = db_run!(conn: {
                diesel::insert_into(synchronizations::table)
                    .values(&row)
                    .returning(Synchronization::as_returning())
                    .get_result(conn)
                    .await?
            });
            let job = enqueue(conn, actor, &synchronization).await?;
            Ok((synchronization, job))
        })
        .await?;
    state.jobs.enqueued(&state.db, &job).await?;
    Ok((synchronization, job))
}

/// Queues a run of every synchronization of the organization (joining waiting ones).
pub async fn run_all(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
) -> Result<Vec<Job>> {
    let jobs = db
        .transaction(async |conn| {
            let scope = owner_scope(conn, actor, organization_url_name).await?;
            let mut jobs = Vec::new();
            for synchronization in list(conn, &scope).await? {
                jobs.push(enqueue(conn, actor, &synchronization).await?);
            }
            Ok(jobs)
        })
        .await?;
    for job in &jobs {
        jobs_handle.enqueued(db, job).await?;
    }
    Ok(jobs)
}

/// Queues a run of every synchronization whose last run started at least `interval` ago
/// (or never ran): the schedule, so that repositories created at the host appear without
/// anyone pressing "synchronize". Judged by the last job, not the last success, so that
/// a host that keeps failing is asked once per interval, not on every check.
pub async fn enqueue_due(
    db: &Db,
    jobs_handle: &Jobs,
    interval: chrono::Duration,
) -> Result<Vec<Job>> {
    let due_before = db::now() - interval;
    let jobs = db
        .transaction(async |conn| {
            let all: Vec<Synchronization> = db_run!(conn: {
                synchronizations::table
                    .order(synchronizations::id)
                    .select(Synchronization::as_select())
                    .load(conn)
                    .await?
            });
            let mut jobs = Vec::new();
            for synchronization in all {
                let last_started = match synchronization.last_job_id {
                    Some(job_id) => queue::find(conn, job_id).await?.map(|job| job.created_at),
                    None => None,
                };
                if last_started.is_some_and(|started| started > due_before) {
                    continue;
                }
                jobs.push(enqueue(conn, &Actor::System, &synchronization).await?);
            }
            Ok(jobs)
        })
        .await?;
    for job in &jobs {
        jobs_handle.enqueued(db, job).await?;
    }
    Ok(jobs)
}

/// Disconnects; the packages it brought stay, as packages added by hand.
pub async fn remove(db: &Db, actor: &Actor, synchronization_id: i64) -> Result<()> {
    db.transaction(async |conn| {
        let synchronization = find(conn, synchronization_id).await?;
        let scope = access::resolve_owner_of(
            conn,
            actor,
            synchronization.organization_id,
            "synchronization",
        )
        .await?;
        scope.require_user()?;
        scope.require_owner()?;
        db_run!(conn: {
            diesel::delete(synchronizations::table.find(synchronization_id))
                .execute(conn)
                .await?;
        });
        Ok(())
    })
    .await
}

/// The organization's synchronizations (owners).
pub async fn list(conn: &mut DbConn, scope: &Access) -> Result<Vec<Synchronization>> {
    scope.require_owner()?;
    let organization_id = scope.organization.id;
    Ok(db_run!(conn: {
        synchronizations::table
            .filter(synchronizations::organization_id.eq(organization_id))
            .order(synchronizations::id)
            .select(Synchronization::as_select())
            .load(conn)
            .await?
    }))
}

/// The teams the synchronization manages, by name.
pub async fn teams(conn: &mut DbConn, synchronization_id: i64) -> Result<Vec<Team>> {
    Ok(db_run!(conn: {
        teams::table
            .filter(teams::synchronization_id.eq(synchronization_id))
            .order(teams::name)
            .select(Team::as_select())
            .load(conn)
            .await?
    }))
}

pub async fn find(conn: &mut DbConn, synchronization_id: i64) -> Result<Synchronization> {
    db_run!(conn: {
        synchronizations::table
            .find(synchronization_id)
            .select(Synchronization::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("synchronization"))
}

async fn owner_scope(
    conn: &mut DbConn,
    actor: &Actor,
    organization_url_name: &str,
) -> Result<Access> {
    let scope = access::resolve(conn, actor, organization_url_name, None).await?;
    scope.require_user()?;
    scope.require_owner()?;
    Ok(scope)
}

/// One waiting run per synchronization: pressing "synchronize" twice makes one job.
async fn enqueue(
    conn: &mut DbConn,
    actor: &Actor,
    synchronization: &Synchronization,
) -> Result<Job> {
    let mut request = Enqueue::new(JobPayload::SyncOrganization {
        synchronization_id: synchronization.id,
    });
    request.organization_id = Some(synchronization.organization_id);
    request.created_by = actor.user_id();
    request.dedupe_key = Some(format!("sync_organization:{}", synchronization.id));
    let job = queue::enqueue(conn, request).await?;
    let id = synchronization.id;
    db_run!(conn: {
        diesel::update(synchronizations::table.find(id))
            .set(synchronizations::last_job_id.eq(job.id))
            .execute(conn)
            .await?;
    });
    Ok(job)
}

/// An http(s) base URL; local addresses only where local webhooks are allowed, since
/// the server will call it.
fn validate_api_url(url: &str, policy: TargetPolicy) -> Result<String> {
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some())
        .ok_or_else(|| Error::invalid("apiUrl", "give the API's http(s) base URL"))?;
    let local = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => crate::domain::webhooks::is_local_address(ip.into()),
        Some(url::Host::Ipv6(ip)) => crate::domain::webhooks::is_local_address(ip.into()),
        None => false,
    };
    if local && !policy.allow_local {
        return Err(Error::invalid(
            "apiUrl",
            "local and private addresses are not allowed on this Packyard",
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}
