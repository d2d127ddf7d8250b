//! One run of a synchronization: lists the repositories at the code host, adds those with
//! a `composer.json` as packages read with the synchronization's credential (or adopts
//! an existing package of the same repository), and installs Packyard's hook on each,
//! signed with the organization's hook secret, so that pushes update them from then on.
//!
//! Idempotent: packages are found by repository key and hooks by URL, so a retried or
//! repeated run adds nothing twice. A repository that fails (no rights to install a
//! hook, say) is logged and the others go on.

use anyhow::Context as _;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::PermanentFailure;
use super::worker::JobContext;
use crate::auth::Actor;
use crate::code_hosts::{Api, ApiCredential, HookInstall, Host, RemoteRepository};
use crate::db::rows::{Organization, Synchronization};
use crate::db::schema::{organizations, packages, synchronizations};
use crate::db::{self, DbConn};
use crate::db_run;
use crate::domain::packages::{SourcePolicy, VcsSource};
use crate::domain::{
    credentials, hook_secrets, hooks, packages as package_domain, synchronizations as domain,
    synchronized_teams,
};
use crate::vcs;

pub async fn run(context: &JobContext, synchronization_id: i64) -> anyhow::Result<()> {
    let state = &context.state;
    let mut conn = state.db.get().await?;
    let synchronization = match domain::find(&mut conn, synchronization_id).await {
        Ok(found) => found,
        // Removed while the job waited: nothing to do.
        Err(crate::error::Error::NotFound(_)) => return Ok(()),
        Err(error) => return Err(error.into()),
    };
    let organization = organization(&mut conn, synchronization.organization_id).await?;
    let host = Host::parse(&synchronization.provider).ok_or_else(|| {
        PermanentFailure(format!("unknown code host {:?}", synchronization.provider))
    })?;
    let credential = api_credential(context, &mut conn, &synchronization).await?;
    let hook_secret =
        hook_secrets::ensure_for_organization(&mut conn, &state.sealer, organization.id).await?;
    drop(conn);
    let hook_url = hook_secrets::hook_url(&state.config.public_url(), &organization.url_name);
    let api = Api {
        host,
        base_url: synchronization.api_url.clone(),
        credential,
        http: &state.http,
    };

    context.progress(5, "listing repositories").await?;
    let listing = api
        .repositories(&synchronization.external_name)
        .await
        .map_err(|error| permanent_if(error.is_permanent(), error.into()))?;
    if let Some(caveat) = &listing.caveat {
        tracing::warn!(synchronization_id, %caveat, "synchronization may miss repositories");
        context.log(&format!("warning: {caveat}")).await?;
    }
    let repositories = listing.repositories;
    context
        .log(&format!(
            "{} repositories in {} {}",
            repositories.len(),
            host.as_str(),
            synchronization.external_name
        ))
        .await?;

    let total = repositories.len().max(1);
    let mut failed_repositories = 0;
    for (index, repository) in repositories.iter().enumerate() {
        let percent = 10 + i32::try_from(index * 85 / total).unwrap_or(85);
        context
            .progress(
                percent,
                &format!(
                    "repository {}/{}: {}",
                    index + 1,
                    repositories.len(),
                    repository.full_name
                ),
            )
            .await?;
        match synchronize_repository(
            context,
            &api,
            &synchronization,
            &organization,
            repository,
            &hook_url,
            &hook_secret,
        )
        .await
        {
            Ok(line) => context.log(&line).await?,
            Err(error) => {
                failed_repositories += 1;
                context
                    .log(&format!("{}: {error:#}", repository.full_name))
                    .await?;
            }
        }
    }

    context.progress(96, "synchronizing teams").await?;
    let teams_failed = match api
        .teams(&synchronization.external_name, &repositories)
        .await
        .map_err(anyhow::Error::from)
    {
        Ok(teams) => {
            let applied =
                synchronized_teams::apply(&state.db, &state.jobs, &synchronization, &teams).await?;
            context.log(&applied.to_string()).await?;
            false
        }
        Err(error) => {
            context.log(&format!("teams: {error:#}")).await?;
            true
        }
    };

    let mut conn = state.db.get().await?;
    db_run!(conn: {
        diesel::update(synchronizations::table.find(synchronization_id))
            .set(synchronizations::last_synced_at.eq(db::now()))
            .execute(conn)
            .await?;
    });
    context.progress(100, "synchronized").await?;
    let mut problems = Vec::new();
    if failed_repositories > 0 {
        problems.push(format!(
            "{failed_repositories} of {} repositories could not be synchronized",
            repositories.len()
        ));
    }
    if teams_failed {
        problems.push("the teams could not be synchronized".to_owned());
    }
    if !problems.is_empty() {
        // The others are done; a retry would only repeat the same complaints.
        return Err(PermanentFailure(format!("{} (see the log)", problems.join("; "))).into());
    }
    Ok(())
}

/// Adds or adopts the package and installs the hook; the log line says what happened.
async fn synchronize_repository(
    context: &JobContext,
    api: &Api<'_>,
    synchronization: &Synchronization,
    organization: &Organization,
    repository: &RemoteRepository,
    hook_url: &str,
    hook_secret: &str,
) -> anyhow::Result<String> {
    if !api.has_composer_json(repository).await? {
        return Ok(format!(
            "{}: no composer.json, skipped",
            repository.full_name
        ));
    }
    let state = &context.state;
    let key = hooks::key_of(&repository.clone_url)
        .with_context(|| format!("{} is not a repository URL", repository.clone_url))?;
    let mut conn = state.db.get().await?;
    let existing: Option<i64> = db_run!(conn: {
        packages::table
            .filter(packages::organization_id.eq(organization.id))
            .filter(packages::repository_key.eq(&key))
            .select(packages::id)
            .first(conn)
            .await
            .optional()?
    });
    let added = match existing {
        Some(package_id) => {
            // Adopted: packages added by hand before the synchronization existed.
            db_run!(conn: {
                diesel::update(packages::table.find(package_id))
                    .filter(packages::synchronization_id.is_null())
                    .set(packages::synchronization_id.eq(synchronization.id))
                    .execute(conn)
                    .await?;
            });
            false
        }
        None => {
            drop(conn);
            package_domain::create_vcs(
                &state.db,
                &state.jobs,
                &Actor::System,
                SourcePolicy::new(&state.config),
                &organization.url_name,
                None,
                VcsSource {
                    url: &repository.clone_url,
                    credential_id: synchronization.credential_id,
                    synchronization_id: Some(synchronization.id),
                },
            )
            .await?;
            true
        }
    };
    let hook = api.install_hook(repository, hook_url, hook_secret).await?;
    Ok(format!(
        "{}: {}, {}",
        repository.full_name,
        if added {
            "package added"
        } else {
            "package present"
        },
        match hook {
            HookInstall::Created => "hook installed",
            HookInstall::Present => "hook present",
        }
    ))
}

async fn organization(conn: &mut DbConn, organization_id: i64) -> anyhow::Result<Organization> {
    Ok(db_run!(conn: {
        organizations::table
            .find(organization_id)
            .select(Organization::as_select())
            .first(conn)
            .await?
    }))
}

async fn api_credential(
    context: &JobContext,
    conn: &mut DbConn,
    synchronization: &Synchronization,
) -> anyhow::Result<ApiCredential> {
    let removed = || {
        PermanentFailure(
            "the synchronization's credential was removed: create the synchronization again with another"
                .into(),
        )
    };
    let credential_id = synchronization.credential_id.ok_or_else(removed)?;
    let credential = credentials::find_in(conn, synchronization.organization_id, credential_id)
        .await
        .map_err(|_| removed())?;
    // A sign-in whose refresh the host refused, or an unlinked account, needs a person.
    let resolved = credentials::resolve(&context.state, &credential)
        .await
        .map_err(|error| match error {
            crate::error::Error::Unauthenticated(_) | crate::error::Error::Invalid { .. } => {
                anyhow::Error::from(PermanentFailure(error.to_string()))
            }
            other => other.into(),
        })?;
    match resolved {
        vcs::Credential::Token { token } => Ok(ApiCredential::Token(token)),
        vcs::Credential::HttpBasic { username, password } => {
            Ok(ApiCredential::Basic { username, password })
        }
        vcs::Credential::SshKey { .. } => {
            Err(PermanentFailure("an SSH key cannot call the host's API".into()).into())
        }
    }
}

fn permanent_if(permanent: bool, error: anyhow::Error) -> anyhow::Error {
    if permanent {
        PermanentFailure(format!("{error:#}")).into()
    } else {
        error
    }
}
