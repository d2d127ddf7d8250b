//! Suborganizations: organizations inside an organization, with their own packages,
//! tokens and Composer repository, reached by teams of the parent with an `owner` or
//! `view` permission.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::composer::access_cache::Invalidation;
use crate::db::rows::{NewOrganization, Organization, Team};
use crate::db::schema::{artifacts, organizations, packages, suborganization_teams, teams};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access, Permission, SuborganizationPermission};
use crate::domain::organizations::{slugify, validate_url_name};
use crate::error::{Error, Result};
use crate::jobs::queue::{self, Enqueue};
use crate::jobs::{JobPayload, Jobs};

/// The suborganization's own name: the part of its `url_name` after the parent's.
pub fn short_url_name(suborganization: &Organization) -> &str {
    suborganization
        .url_name
        .split_once('/')
        .map_or(suborganization.url_name.as_str(), |(_, own)| own)
}

/// Creates a suborganization. Owners, and members whose team may create them; that team
/// then owns it.
pub async fn create(
    db: &Db,
    actor: &Actor,
    organization_url_name: &str,
    name: &str,
    url_name: Option<&str>,
) -> Result<Access> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid(
            "name",
            "the name must have 1 to 100 characters",
        ));
    }
    let own_url_name = match url_name.map(str::trim).filter(|u| !u.is_empty()) {
        Some(given) => given.to_owned(),
        None => slugify(name),
    };
    validate_url_name(&own_url_name)?;
    db.transaction(async |conn| {
        let scope = access::resolve(conn, actor, organization_url_name, None).await?;
        scope.require_user()?;
        scope.require(Permission::CreateSuborganizations)?;
        if access::find_suborganization(conn, &scope.root, &own_url_name)
            .await?
            .is_some()
        {
            return Err(Error::conflict(
                "urlName",
                "a suborganization with this URL name exists",
            ));
        }
        let full_url_name = format!("{}/{}", scope.root.url_name, own_url_name);
        let now = db::now();
        let row = NewOrganization {
            name,
            url_name: &full_url_name,
            created_at: now,
            parent_id: Some(scope.root.id),
        };
        let created = db_run!(conn: {
            diesel::insert_into(organizations::table)
                .values(&row)
                .returning(Organization::as_returning())
                .get_result(conn)
                .await?
        });
        if !scope.owner {
            let team_ids = scope.team_ids.clone();
            let creators: Vec<i64> = db_run!(conn: {
                teams::table
                    .filter(teams::id.eq_any(&team_ids))
                    .filter(teams::can_create_suborganizations)
                    .select(teams::id)
                    .load(conn)
                    .await?
            });
            for team_id in creators {
                grant(conn, created.id, team_id, SuborganizationPermission::Owner).await?;
            }
        }
        access::resolve(conn, actor, organization_url_name, Some(&own_url_name)).await
    })
    .await
}

/// Removes a suborganization with its packages and tokens. Its owners and the parent's.
pub async fn remove(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: &str,
) -> Result<()> {
    let (removed_id, deletions) = db
        .transaction(async |conn| {
            let scope =
                access::resolve(conn, actor, organization_url_name, Some(suborganization)).await?;
            scope.require_user()?;
            scope.require_owner()?;
            let id = scope.organization.id;
            let (package_ids, artifact_sha1s): (Vec<i64>, Vec<String>) = db_run!(conn: {
                let package_ids = packages::table
                    .filter(packages::organization_id.eq(id))
                    .select(packages::id)
                    .load(conn)
                    .await?;
                let artifact_sha1s = artifacts::table
                    .filter(artifacts::organization_id.eq(id))
                    .select(artifacts::sha1)
                    .load(conn)
                    .await?;
                (package_ids, artifact_sha1s)
            });
            db_run!(conn: {
                diesel::delete(organizations::table.find(id)).execute(conn).await?;
            });
            // Its mirrors, dists and uploads go in jobs of the parent (the
            // suborganization's own jobs go with it).
            let mut deletions = Vec::new();
            let mut batches: Vec<(Option<i64>, Vec<String>)> = package_ids
                .into_iter()
                .map(|package_id| (Some(package_id), Vec::new()))
                .collect();
            if !artifact_sha1s.is_empty() {
                batches.push((None, artifact_sha1s));
            }
            for (package_id, artifact_sha1s) in batches {
                let mut request = Enqueue::new(JobPayload::DeleteFiles {
                    organization_id: id,
                    package_id,
                    artifact_sha1s,
                });
                request.organization_id = Some(scope.root.id);
                request.created_by = actor.user_id();
                deletions.push(queue::enqueue(conn, request).await?);
            }
            Ok((id, deletions))
        })
        .await?;
    for job in &deletions {
        jobs_handle.enqueued(db, job).await?;
    }
    jobs_handle.invalidate(db, Invalidation::Tokens).await?;
    jobs_handle
        .invalidate(
            db,
            Invalidation::Documents {
                organization_id: removed_id,
            },
        )
        .await
}

/// The suborganizations of the organization the actor reaches: all for owners, those
/// their teams have a permission on for other members.
pub async fn list(conn: &mut DbConn, scope: &Access) -> Result<Vec<Organization>> {
    scope.require_user()?;
    let root_id = scope.root.id;
    if scope.owner {
        return Ok(db_run!(conn: {
            organizations::table
                .filter(organizations::parent_id.eq(root_id))
                .order(organizations::url_name.asc())
                .select(Organization::as_select())
                .load(conn)
                .await?
        }));
    }
    let team_ids = scope.team_ids.clone();
    Ok(db_run!(conn: {
        organizations::table
            .filter(organizations::parent_id.eq(root_id))
            .filter(
                organizations::id.eq_any(
                    suborganization_teams::table
                        .filter(suborganization_teams::team_id.eq_any(&team_ids))
                        .select(suborganization_teams::suborganization_id),
                ),
            )
            .order(organizations::url_name.asc())
            .select(Organization::as_select())
            .load(conn)
            .await?
    }))
}

/// Teams of the parent with a permission on this suborganization.
pub async fn teams(
    conn: &mut DbConn,
    suborganization_id: i64,
) -> Result<Vec<(Team, SuborganizationPermission)>> {
    let rows: Vec<(Team, String)> = db_run!(conn: {
        teams::table
            .inner_join(suborganization_teams::table)
            .filter(suborganization_teams::suborganization_id.eq(suborganization_id))
            .order(teams::name.asc())
            .select((Team::as_select(), suborganization_teams::permission))
            .load(conn)
            .await?
    });
    rows.into_iter()
        .map(|(team, permission)| Ok((team, SuborganizationPermission::parse(&permission)?)))
        .collect()
}

async fn grant(
    conn: &mut DbConn,
    suborganization_id: i64,
    team_id: i64,
    permission: SuborganizationPermission,
) -> Result<()> {
    let now = db::now();
    db_run!(conn: {
        diesel::insert_into(suborganization_teams::table)
            .values((
                suborganization_teams::suborganization_id.eq(suborganization_id),
                suborganization_teams::team_id.eq(team_id),
                suborganization_teams::permission.eq(permission.as_str()),
                suborganization_teams::created_at.eq(now),
            ))
            .on_conflict((
                suborganization_teams::suborganization_id,
                suborganization_teams::team_id,
            ))
            .do_update()
            .set(suborganization_teams::permission.eq(permission.as_str()))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Gives teams of the parent a permission on the suborganization (or changes it).
pub async fn add_or_edit_teams(
    db: &Db,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: &str,
    grants: &[(i64, SuborganizationPermission)],
) -> Result<Access> {
    db.transaction(async |conn| {
        let scope =
            access::resolve(conn, actor, organization_url_name, Some(suborganization)).await?;
        scope.require_user()?;
        scope.require_owner()?;
        let root_id = scope.root.id;
        for (team_id, permission) in grants {
            let found: i64 = db_run!(conn: {
                teams::table
                    .filter(teams::id.eq(*team_id))
                    .filter(teams::organization_id.eq(root_id))
                    .count()
                    .get_result(conn)
                    .await?
            });
            if found == 0 {
                return Err(Error::invalid(
                    "teams",
                    format!("team {team_id} is not a team of this organization"),
                ));
            }
            grant(conn, scope.organization.id, *team_id, *permission).await?;
        }
        Ok(scope)
    })
    .await
}

pub async fn remove_team(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: &str,
    team_id: i64,
) -> Result<()> {
    let organization_id = db
        .transaction(async |conn| {
            let scope =
                access::resolve(conn, actor, organization_url_name, Some(suborganization)).await?;
            scope.require_user()?;
            scope.require_owner()?;
            let id = scope.organization.id;
            let removed = db_run!(conn: {
                diesel::delete(
                    suborganization_teams::table
                        .filter(suborganization_teams::suborganization_id.eq(id))
                        .filter(suborganization_teams::team_id.eq(team_id)),
                )
                .execute(conn)
                .await?
            });
            if removed == 0 {
                return Err(Error::NotFound("team"));
            }
            Ok(id)
        })
        .await?;
    jobs_handle
        .invalidate(db, Invalidation::Documents { organization_id })
        .await
}
