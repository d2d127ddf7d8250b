//! Teams of an organization: their permission flags, members and package grants. The
//! owners team exists in every organization, has every right and never loses its last
//! member.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::composer::access_cache::Invalidation;
use crate::db::rows::{NewTeam, Package, Team, User};
use crate::db::schema::{memberships, packages, team_members, team_packages, teams, users};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access, Permission, TeamPermissions};
use crate::error::{Error, Result};
use crate::jobs::Jobs;

pub const OWNERS_TEAM_NAME: &str = "Owners";

fn validate_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid(
            "name",
            "a team name has 1 to 100 characters",
        ));
    }
    Ok(name)
}

/// Creates the owners team of a new organization with `owner_id` in it.
pub async fn create_owners_team(
    conn: &mut DbConn,
    organization_id: i64,
    owner_id: i64,
) -> Result<Team> {
    let now = db::now();
    let row = NewTeam {
        organization_id,
        name: OWNERS_TEAM_NAME,
        is_owners: true,
        can_edit_team_packages: true,
        can_add_packages: true,
        can_create_suborganizations: true,
        can_view_vendor_customers: true,
        can_manage_vendor_customers: true,
        access_to_all_packages: true,
        created_at: now,
        synchronization_id: None,
        external_key: None,
    };
    let team = db_run!(conn: {
        diesel::insert_into(teams::table)
            .values(&row)
            .returning(Team::as_returning())
            .get_result(conn)
            .await?
    });
    db_run!(conn: {
        diesel::insert_into(team_members::table)
            .values((
                team_members::team_id.eq(team.id),
                team_members::user_id.eq(owner_id),
                team_members::created_at.eq(now),
            ))
            .execute(conn)
            .await?;
    });
    Ok(team)
}

/// The teams of the organization. Members see them all; tokens none.
pub async fn list(conn: &mut DbConn, scope: &Access) -> Result<Vec<Team>> {
    scope.require_user()?;
    let root_id = scope.root.id;
    Ok(db_run!(conn: {
        teams::table
            .filter(teams::organization_id.eq(root_id))
            .order((teams::is_owners.desc(), teams::name.asc()))
            .select(Team::as_select())
            .load(conn)
            .await?
    }))
}

/// A team of the scope's organization.
pub async fn find(conn: &mut DbConn, scope: &Access, team_id: i64) -> Result<Team> {
    scope.require_user()?;
    let root_id = scope.root.id;
    db_run!(conn: {
        teams::table
            .filter(teams::id.eq(team_id))
            .filter(teams::organization_id.eq(root_id))
            .select(Team::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("team"))
}

/// The team and the actor's access to its organization; `NOT_FOUND` when they cannot
/// see the organization.
async fn team_and_access(conn: &mut DbConn, actor: &Actor, team_id: i64) -> Result<(Team, Access)> {
    let organization_id: i64 = db_run!(conn: {
        teams::table
            .find(team_id)
            .select(teams::organization_id)
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("team"))?;
    let scope = access::resolve_owner_of(conn, actor, organization_id, "team").await?;
    let team = find(conn, &scope, team_id).await?;
    Ok((team, scope))
}

pub async fn members(conn: &mut DbConn, team: &Team) -> Result<Vec<User>> {
    let team_id = team.id;
    Ok(db_run!(conn: {
        users::table
            .inner_join(team_members::table)
            .filter(team_members::team_id.eq(team_id))
            .order(users::username.asc())
            .select(User::as_select())
            .load(conn)
            .await?
    }))
}

/// Packages granted to the team one by one (a team with access to all packages sees
/// every package of the organization besides these).
pub async fn packages(conn: &mut DbConn, team: &Team) -> Result<Vec<Package>> {
    let team_id = team.id;
    Ok(db_run!(conn: {
        packages::table
            .inner_join(team_packages::table)
            .filter(team_packages::team_id.eq(team_id))
            .order(packages::name.asc())
            .select(Package::as_select())
            .load(conn)
            .await?
    }))
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    organization_url_name: &str,
    name: &str,
    permissions: TeamPermissions,
) -> Result<Team> {
    let name = validate_name(name)?;
    db.transaction(async |conn| {
        let scope = access::resolve(conn, actor, organization_url_name, None).await?;
        scope.require_user()?;
        scope.require_owner()?;
        let row = NewTeam {
            organization_id: scope.root.id,
            name,
            is_owners: false,
            can_edit_team_packages: permissions.can_edit_team_packages,
            can_add_packages: permissions.can_add_packages,
            can_create_suborganizations: permissions.can_create_suborganizations,
            can_view_vendor_customers: permissions.can_view_vendor_customers,
            can_manage_vendor_customers: permissions.can_manage_vendor_customers,
            access_to_all_packages: false,
            created_at: db::now(),
            synchronization_id: None,
            external_key: None,
        };
        let created = db_run!(conn: {
            diesel::insert_into(teams::table)
                .values(&row)
                .returning(Team::as_returning())
                .get_result(conn)
                .await
        });
        created.map_err(|error| match Error::from(error) {
            Error::Conflict { .. } => Error::conflict("name", "a team with this name exists"),
            other => other,
        })
    })
    .await
}

pub async fn edit(
    db: &Db,
    actor: &Actor,
    team_id: i64,
    name: Option<&str>,
    permissions: Option<TeamPermissions>,
) -> Result<Team> {
    let name = name.map(validate_name).transpose()?;
    db.transaction(async |conn| {
        let (team, scope) = team_and_access(conn, actor, team_id).await?;
        scope.require_owner()?;
        if team.is_owners && permissions.is_some_and(|p| p != TeamPermissions::ALL) {
            return Err(Error::invalid(
                "permissions",
                "the owners team always has every permission",
            ));
        }
        let permissions = permissions.unwrap_or(TeamPermissions::of_team(&team));
        let name = name.unwrap_or(&team.name);
        let updated = db_run!(conn: {
            diesel::update(teams::table.find(team.id))
                .set((
                    teams::name.eq(name),
                    teams::can_edit_team_packages.eq(permissions.can_edit_team_packages),
                    teams::can_add_packages.eq(permissions.can_add_packages),
                    teams::can_create_suborganizations.eq(permissions.can_create_suborganizations),
                    teams::can_view_vendor_customers.eq(permissions.can_view_vendor_customers),
                    teams::can_manage_vendor_customers.eq(permissions.can_manage_vendor_customers),
                ))
                .returning(Team::as_returning())
                .get_result(conn)
                .await
        });
        updated.map_err(|error| match Error::from(error) {
            Error::Conflict { .. } => Error::conflict("name", "a team with this name exists"),
            other => other,
        })
    })
    .await
}

/// Removes a team; its tokens go with it, and its members keep what other teams give.
pub async fn remove(db: &Db, jobs_handle: &Jobs, actor: &Actor, team_id: i64) -> Result<()> {
    let organization_id = db
        .transaction(async |conn| {
            let (team, scope) = team_and_access(conn, actor, team_id).await?;
            scope.require_owner()?;
            if team.is_owners {
                return Err(Error::conflict(
                    "teamId",
                    "the owners team cannot be removed",
                ));
            }
            db_run!(conn: {
                diesel::delete(teams::table.find(team.id)).execute(conn).await?;
            });
            Ok(scope.root.id)
        })
        .await?;
    changed_access(db, jobs_handle, organization_id, true).await
}

/// Tokens and cached repository views may depend on what changed.
pub(crate) async fn changed_access(
    db: &Db,
    jobs_handle: &Jobs,
    organization_id: i64,
    tokens_too: bool,
) -> Result<()> {
    if tokens_too {
        jobs_handle.invalidate(db, Invalidation::Tokens).await?;
    }
    jobs_handle
        .invalidate(db, Invalidation::Documents { organization_id })
        .await
}

pub async fn add_member(db: &Db, actor: &Actor, team_id: i64, user_id: i64) -> Result<Team> {
    db.transaction(async |conn| {
        let (team, scope) = team_and_access(conn, actor, team_id).await?;
        scope.require_owner()?;
        if team.synchronization_id.is_some() {
            return Err(Error::invalid(
                "teamId",
                "the members of a synchronized team follow the code host: change them there",
            ));
        }
        let root_id = scope.root.id;
        let member: i64 = db_run!(conn: {
            memberships::table
                .filter(memberships::organization_id.eq(root_id))
                .filter(memberships::user_id.eq(user_id))
                .count()
                .get_result(conn)
                .await?
        });
        if member == 0 {
            return Err(Error::invalid(
                "userId",
                "this user is not a member of the organization: invite them first",
            ));
        }
        let now = db::now();
        db_run!(conn: {
            diesel::insert_into(team_members::table)
                .values((
                    team_members::team_id.eq(team.id),
                    team_members::user_id.eq(user_id),
                    team_members::created_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        });
        Ok(team)
    })
    .await
}

pub async fn remove_member(db: &Db, actor: &Actor, team_id: i64, user_id: i64) -> Result<Team> {
    db.transaction(async |conn| {
        let (team, scope) = team_and_access(conn, actor, team_id).await?;
        scope.require_owner()?;
        if team.synchronization_id.is_some() {
            return Err(Error::invalid(
                "teamId",
                "the members of a synchronized team follow the code host: change them there",
            ));
        }
        let removed = db_run!(conn: {
            diesel::delete(
                team_members::table
                    .filter(team_members::team_id.eq(team.id))
                    .filter(team_members::user_id.eq(user_id)),
            )
            .execute(conn)
            .await?
        });
        if removed == 0 {
            return Err(Error::NotFound("team member"));
        }
        if team.is_owners {
            ensure_an_owner_remains(conn, team.id).await?;
        }
        Ok(team)
    })
    .await
}

/// Fails (rolling back the caller's transaction) when the owners team became empty.
pub async fn ensure_an_owner_remains(conn: &mut DbConn, owners_team_id: i64) -> Result<()> {
    let owners: i64 = db_run!(conn: {
        team_members::table
            .filter(team_members::team_id.eq(owners_team_id))
            .count()
            .get_result(conn)
            .await?
    });
    if owners == 0 {
        return Err(Error::conflict(
            "userId",
            "an organization always keeps at least one owner",
        ));
    }
    Ok(())
}

/// A package of the scope by `vendor/name` or id.
async fn package_by_name_or_id(conn: &mut DbConn, scope: &Access, key: &str) -> Result<Package> {
    let organization_id = scope.organization.id;
    let by_id = key.parse::<i64>().ok();
    let name = key.trim().to_lowercase();
    let found = db_run!(conn: {
        let query = packages::table
            .filter(packages::organization_id.eq(organization_id))
            .select(Package::as_select());
        match by_id {
            Some(id) => query.filter(packages::id.eq(id)).first(conn).await.optional()?,
            None => query.filter(packages::name.eq(&name)).first(conn).await.optional()?,
        }
    });
    match found {
        Some(package) if scope.can_read_package(conn, package.id).await? => Ok(package),
        _ => Err(Error::invalid(
            "packages",
            format!("no package {key:?} in this organization"),
        )),
    }
}

/// Who may grant or withdraw a package: owners, and members who may edit it.
async fn require_grant_right(conn: &mut DbConn, scope: &Access, package: &Package) -> Result<()> {
    if scope.owner {
        return Ok(());
    }
    scope.require(Permission::EditTeamPackages)?;
    if scope.can_edit_package(conn, package.id).await? {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "you may not change who sees {}",
            package.name.as_deref().unwrap_or("this package")
        )))
    }
}

/// Grants packages (by `vendor/name` or id) to a team.
pub async fn add_packages(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    team_id: i64,
    keys: &[String],
) -> Result<Vec<Package>> {
    if keys.is_empty() {
        return Err(Error::invalid("packages", "name at least one package"));
    }
    let (granted, organization_id) = db
        .transaction(async |conn| {
            let (team, scope) = team_and_access(conn, actor, team_id).await?;
            let mut granted = Vec::with_capacity(keys.len());
            for key in keys {
                let package = package_by_name_or_id(conn, &scope, key).await?;
                require_grant_right(conn, &scope, &package).await?;
                grant_package(conn, team.id, package.id).await?;
                granted.push(package);
            }
            Ok((granted, scope.root.id))
        })
        .await?;
    changed_access(db, jobs_handle, organization_id, false).await?;
    Ok(granted)
}

pub async fn remove_package(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    team_id: i64,
    key: &str,
) -> Result<Team> {
    let (team, organization_id) = db
        .transaction(async |conn| {
            let (team, scope) = team_and_access(conn, actor, team_id).await?;
            let package = package_by_name_or_id(conn, &scope, key).await?;
            require_grant_right(conn, &scope, &package).await?;
            db_run!(conn: {
                diesel::delete(
                    team_packages::table
                        .filter(team_packages::team_id.eq(team.id))
                        .filter(team_packages::package_id.eq(package.id)),
                )
                .execute(conn)
                .await?;
            });
            Ok((team, scope.root.id))
        })
        .await?;
    changed_access(db, jobs_handle, organization_id, false).await?;
    Ok(team)
}

/// The team sees every current and future package, except synchronized ones, whose
/// access follows the code host.
pub async fn grant_access_to_all_packages(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    team_id: i64,
) -> Result<Team> {
    let (team, organization_id) = db
        .transaction(async |conn| {
            let (team, scope) = team_and_access(conn, actor, team_id).await?;
            scope.require_owner()?;
            let team = db_run!(conn: {
                diesel::update(teams::table.find(team.id))
                    .set(teams::access_to_all_packages.eq(true))
                    .returning(Team::as_returning())
                    .get_result(conn)
                    .await?
            });
            Ok((team, scope.root.id))
        })
        .await?;
    changed_access(db, jobs_handle, organization_id, false).await?;
    Ok(team)
}

/// New packages no longer reach the team; the packages it sees now stay granted.
pub async fn revoke_access_to_all_packages(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    team_id: i64,
) -> Result<Team> {
    let (team, organization_id) = db
        .transaction(async |conn| {
            let (team, scope) = team_and_access(conn, actor, team_id).await?;
            scope.require_owner()?;
            if team.is_owners {
                return Err(Error::invalid(
                    "teamId",
                    "the owners team always sees every package",
                ));
            }
            if team.access_to_all_packages {
                let root_id = scope.root.id;
                // Synchronized packages were never seen through this access.
                let current: Vec<i64> = db_run!(conn: {
                    packages::table
                        .filter(packages::organization_id.eq(root_id))
                        .filter(packages::synchronization_id.is_null())
                        .select(packages::id)
                        .load(conn)
                        .await?
                });
                for package_id in current {
                    grant_package(conn, team.id, package_id).await?;
                }
            }
            let team = db_run!(conn: {
                diesel::update(teams::table.find(team.id))
                    .set(teams::access_to_all_packages.eq(false))
                    .returning(Team::as_returning())
                    .get_result(conn)
                    .await?
            });
            Ok((team, scope.root.id))
        })
        .await?;
    changed_access(db, jobs_handle, organization_id, false).await?;
    Ok(team)
}

/// A package added by a member who is not an owner goes to their teams that may add
/// packages, so that they see what they added.
pub async fn grant_to_adding_teams(
    conn: &mut DbConn,
    scope: &Access,
    package_id: i64,
) -> Result<()> {
    if scope.owner || scope.is_suborganization() || scope.team_ids.is_empty() {
        return Ok(());
    }
    let team_ids = scope.team_ids.clone();
    let adders: Vec<i64> = db_run!(conn: {
        teams::table
            .filter(teams::id.eq_any(&team_ids))
            .filter(teams::can_add_packages)
            .select(teams::id)
            .load(conn)
            .await?
    });
    for team_id in adders {
        grant_package(conn, team_id, package_id).await?;
    }
    Ok(())
}

/// One grant; granting twice is no change.
async fn grant_package(conn: &mut DbConn, team_id: i64, package_id: i64) -> Result<()> {
    let now = db::now();
    db_run!(conn: {
        diesel::insert_into(team_packages::table)
            .values((
                team_packages::team_id.eq(team_id),
                team_packages::package_id.eq(package_id),
                team_packages::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    });
    Ok(())
}
