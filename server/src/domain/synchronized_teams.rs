//! The teams a synchronization manages: after a run has read the host's teams, their
//! Packyard twins get the same members (users who linked that host's account) and the
//! packages of the repositories they reach. Members the synchronization brought into the
//! organization leave it when they are in none of the host's teams any more; members
//! added in Packyard stay, and owners are never removed by a host.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::code_hosts::RemoteTeam;
use crate::db::rows::{NewTeam, Synchronization, Team};
use crate::db::schema::{memberships, organizations, packages, team_members, team_packages, teams};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::{hooks, identities, members, teams as team_rules};
use crate::error::Result;
use crate::jobs::Jobs;

/// What applying the host's teams changed, for the job log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TeamsApplied {
    pub teams_created: usize,
    pub teams_removed: usize,
    pub members_joined: usize,
    pub members_left: usize,
    /// Host accounts no Packyard user has linked: they join once they sign in.
    pub unmatched: BTreeSet<String>,
}

impl std::fmt::Display for TeamsApplied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "teams: {} created, {} removed; members: {} joined, {} left",
            self.teams_created, self.teams_removed, self.members_joined, self.members_left
        )?;
        if !self.unmatched.is_empty() {
            let logins: Vec<&str> = self.unmatched.iter().map(String::as_str).collect();
            write!(f, "; not signed in to Packyard yet: {}", logins.join(", "))?;
        }
        Ok(())
    }
}

/// Makes the synchronization's teams what the host says, in one transaction.
pub async fn apply(
    db: &Db,
    jobs_handle: &Jobs,
    synchronization: &Synchronization,
    remote_teams: &[RemoteTeam],
) -> Result<TeamsApplied> {
    let (applied, root_id) = db
        .transaction(async |conn| {
            let root_id = root_of(conn, synchronization.organization_id).await?;
            let applied = apply_in(conn, synchronization, root_id, remote_teams).await?;
            Ok((applied, root_id))
        })
        .await?;
    team_rules::changed_access(db, jobs_handle, root_id, true).await?;
    Ok(applied)
}

async fn apply_in(
    conn: &mut DbConn,
    synchronization: &Synchronization,
    root_id: i64,
    remote_teams: &[RemoteTeam],
) -> Result<TeamsApplied> {
    let mut applied = TeamsApplied::default();
    let sync_id = synchronization.id;

    // Host account → Packyard user, through the accounts people linked at sign-in.
    let mut users: BTreeMap<String, i64> = BTreeMap::new();
    if let Some(provider) = synchronization.login_provider.as_deref() {
        for member in remote_teams.iter().flat_map(|team| &team.members) {
            if users.contains_key(&member.id) {
                continue;
            }
            match identities::find(conn, provider, &member.id).await? {
                Some(identity) => {
                    users.insert(member.id.clone(), identity.user_id);
                }
                None => {
                    applied.unmatched.insert(member.login.clone());
                }
            }
        }
    } else {
        applied.unmatched.extend(
            remote_teams
                .iter()
                .flat_map(|team| team.members.iter().map(|member| member.login.clone())),
        );
    }

    // Repository → the synchronization's package of it.
    let synchronized: Vec<(i64, Option<String>)> = db_run!(conn: {
        packages::table
            .filter(packages::synchronization_id.eq(sync_id))
            .select((packages::id, packages::repository_key))
            .load(conn)
            .await?
    });
    let package_of: BTreeMap<String, i64> = synchronized
        .iter()
        .filter_map(|(id, key)| key.clone().map(|key| (key, *id)))
        .collect();
    let synchronized_ids: Vec<i64> = synchronized.iter().map(|(id, _)| *id).collect();

    let existing: Vec<Team> = db_run!(conn: {
        teams::table
            .filter(teams::synchronization_id.eq(sync_id))
            .select(Team::as_select())
            .load(conn)
            .await?
    });
    // Everyone matched is in some host team: they are members before joining teams.
    let in_host_teams: BTreeSet<i64> = users.values().copied().collect();
    for user_id in &in_host_teams {
        if join_organization(conn, root_id, *user_id, sync_id).await? {
            applied.members_joined += 1;
        }
    }
    let mut kept: BTreeSet<i64> = BTreeSet::new();
    for remote in remote_teams {
        let team = match existing
            .iter()
            .find(|team| team.external_key.as_deref() == Some(remote.key.as_str()))
        {
            Some(team) => {
                update_team(conn, team, remote).await?;
                team.id
            }
            None => {
                applied.teams_created += 1;
                create_team(conn, root_id, sync_id, remote).await?
            }
        };
        kept.insert(team);

        let wanted_members: BTreeSet<i64> = remote
            .members
            .iter()
            .filter_map(|member| users.get(&member.id).copied())
            .collect();
        set_members(conn, team, &wanted_members).await?;

        let wanted_packages: BTreeSet<i64> = remote
            .repositories
            .iter()
            .filter_map(|url| hooks::key_of(url))
            .filter_map(|key| package_of.get(&key).copied())
            .collect();
        set_packages(conn, team, &synchronized_ids, &wanted_packages).await?;
    }

    // Teams gone at the host go here too.
    for team in existing.iter().filter(|team| !kept.contains(&team.id)) {
        let team_id = team.id;
        db_run!(conn: {
            diesel::delete(teams::table.find(team_id)).execute(conn).await?;
        });
        applied.teams_removed += 1;
    }

    // Members this synchronization brought who are in none of its teams now.
    let brought: Vec<i64> = db_run!(conn: {
        memberships::table
            .filter(memberships::organization_id.eq(root_id))
            .filter(memberships::synchronization_id.eq(sync_id))
            .select(memberships::user_id)
            .load(conn)
            .await?
    });
    let owners: Vec<i64> = db_run!(conn: {
        team_members::table
            .inner_join(teams::table)
            .filter(teams::organization_id.eq(root_id))
            .filter(teams::is_owners)
            .select(team_members::user_id)
            .load(conn)
            .await?
    });
    for user_id in brought {
        if in_host_teams.contains(&user_id) || owners.contains(&user_id) {
            continue;
        }
        // Without an acting owner: the host decided.
        members::leave(conn, root_id, user_id).await?;
        applied.members_left += 1;
    }
    Ok(applied)
}

async fn root_of(conn: &mut DbConn, organization_id: i64) -> Result<i64> {
    let parent: Option<i64> = db_run!(conn: {
        organizations::table
            .find(organization_id)
            .select(organizations::parent_id)
            .first(conn)
            .await?
    });
    Ok(parent.unwrap_or(organization_id))
}

/// A team name taken by a team made in Packyard gets the host's key appended, so that
/// both stay recognizable.
async fn free_name(
    conn: &mut DbConn,
    root_id: i64,
    team_id: Option<i64>,
    remote: &RemoteTeam,
) -> Result<String> {
    let wanted = remote.name.clone();
    let taken: i64 = db_run!(conn: {
        let mut query = teams::table
            .filter(teams::organization_id.eq(root_id))
            .filter(teams::name.eq(&wanted))
            .into_boxed();
        if let Some(team_id) = team_id {
            query = query.filter(teams::id.ne(team_id));
        }
        query.count().get_result(conn).await?
    });
    Ok(if taken == 0 {
        wanted
    } else {
        format!("{wanted} [{}]", remote.key)
    })
}

async fn create_team(
    conn: &mut DbConn,
    root_id: i64,
    sync_id: i64,
    remote: &RemoteTeam,
) -> Result<i64> {
    let name = free_name(conn, root_id, None, remote).await?;
    let row = NewTeam {
        organization_id: root_id,
        name: &name,
        is_owners: false,
        can_edit_team_packages: remote.maintain,
        can_add_packages: false,
        can_create_suborganizations: false,
        can_view_vendor_customers: false,
        can_manage_vendor_customers: false,
        access_to_all_packages: false,
        created_at: db::now(),
        synchronization_id: Some(sync_id),
        external_key: Some(&remote.key),
    };
    Ok(db_run!(conn: {
        diesel::insert_into(teams::table)
            .values(&row)
            .returning(teams::id)
            .get_result(conn)
            .await?
    }))
}

/// Follows renames at the host and the tier's permission.
async fn update_team(conn: &mut DbConn, team: &Team, remote: &RemoteTeam) -> Result<()> {
    let name = if team.name == remote.name {
        team.name.clone()
    } else {
        free_name(conn, team.organization_id, Some(team.id), remote).await?
    };
    let team_id = team.id;
    db_run!(conn: {
        diesel::update(teams::table.find(team_id))
            .set((
                teams::name.eq(&name),
                teams::can_edit_team_packages.eq(remote.maintain),
            ))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Whether the user became a member now (members already there keep how they came).
async fn join_organization(
    conn: &mut DbConn,
    root_id: i64,
    user_id: i64,
    sync_id: i64,
) -> Result<bool> {
    let now = db::now();
    let inserted = db_run!(conn: {
        let present: i64 = memberships::table
            .filter(memberships::organization_id.eq(root_id))
            .filter(memberships::user_id.eq(user_id))
            .count()
            .get_result(conn)
            .await?;
        if present > 0 {
            0
        } else {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::organization_id.eq(root_id),
                    memberships::user_id.eq(user_id),
                    memberships::created_at.eq(now),
                    memberships::synchronization_id.eq(Some(sync_id)),
                ))
                .execute(conn)
                .await?
        }
    });
    Ok(inserted > 0)
}

async fn set_members(conn: &mut DbConn, team_id: i64, wanted: &BTreeSet<i64>) -> Result<()> {
    let wanted: Vec<i64> = wanted.iter().copied().collect();
    let now = db::now();
    db_run!(conn: {
        diesel::delete(
            team_members::table
                .filter(team_members::team_id.eq(team_id))
                .filter(team_members::user_id.ne_all(&wanted)),
        )
        .execute(conn)
        .await?;
        for user_id in &wanted {
            diesel::insert_into(team_members::table)
                .values((
                    team_members::team_id.eq(team_id),
                    team_members::user_id.eq(*user_id),
                    team_members::created_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
    });
    Ok(())
}

/// Grants of the synchronization's packages follow the host; packages granted to the
/// team in Packyard otherwise stay.
async fn set_packages(
    conn: &mut DbConn,
    team_id: i64,
    synchronized: &[i64],
    wanted: &BTreeSet<i64>,
) -> Result<()> {
    let wanted: Vec<i64> = wanted.iter().copied().collect();
    let now = db::now();
    db_run!(conn: {
        diesel::delete(
            team_packages::table
                .filter(team_packages::team_id.eq(team_id))
                .filter(team_packages::package_id.eq_any(synchronized))
                .filter(team_packages::package_id.ne_all(&wanted)),
        )
        .execute(conn)
        .await?;
        for package_id in &wanted {
            diesel::insert_into(team_packages::table)
                .values((
                    team_packages::team_id.eq(team_id),
                    team_packages::package_id.eq(*package_id),
                    team_packages::created_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
    });
    Ok(())
}
