//! Members of an organization and the invitations that make them members. Membership is
//! checked on every request, so a removed member's sessions and personal tokens lose the
//! organization at once.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::composer::access_cache::Invalidation;
use crate::db::rows::{
    Invitation, Membership, NewInvitation, NewMembership, Organization, Team, User,
};
use crate::db::schema::{
    invitation_teams, invitations, memberships, organizations, team_members, teams, users,
};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::teams as team_rules;
use crate::error::{Error, Result};
use crate::jobs::Jobs;

const INVITATION_DAYS: i64 = 14;

/// A member with the teams they are in.
pub struct Member {
    pub membership: Membership,
    pub user: User,
    pub teams: Vec<Team>,
}

impl Member {
    pub fn is_owner(&self) -> bool {
        self.teams.iter().any(|team| team.is_owners)
    }
}

/// Members of the organization, with their teams. Members and administrators see them.
pub async fn list(conn: &mut DbConn, scope: &Access, page: PageRequest) -> Result<Page<Member>> {
    scope.require_user()?;
    let root_id = scope.root.id;
    let (rows, total): (Vec<(Membership, User)>, i64) = db_run!(conn: {
        let rows = memberships::table
            .inner_join(users::table)
            .filter(memberships::organization_id.eq(root_id))
            .filter(memberships::id.gt(page.after()))
            .order(memberships::id.asc())
            .limit(page.limit())
            .select((Membership::as_select(), User::as_select()))
            .load(conn)
            .await?;
        let total = memberships::table
            .filter(memberships::organization_id.eq(root_id))
            .count()
            .get_result(conn)
            .await?;
        (rows, total)
    });
    let user_ids: Vec<i64> = rows.iter().map(|(_, user)| user.id).collect();
    let team_rows: Vec<(i64, Team)> = db_run!(conn: {
        team_members::table
            .inner_join(teams::table)
            .filter(teams::organization_id.eq(root_id))
            .filter(team_members::user_id.eq_any(&user_ids))
            .order(teams::name.asc())
            .select((team_members::user_id, Team::as_select()))
            .load(conn)
            .await?
    });
    let members = rows
        .into_iter()
        .map(|(membership, user)| {
            let teams = team_rows
                .iter()
                .filter(|(user_id, _)| *user_id == user.id)
                .map(|(_, team)| team.clone())
                .collect();
            Member {
                membership,
                user,
                teams,
            }
        })
        .collect();
    Ok(Page::from_rows(page, members, total, |member| {
        member.membership.id
    }))
}

/// Removes a member and their team memberships. Owners may remove anyone but the last
/// owner; members may leave.
pub async fn remove(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    organization_url_name: &str,
    user_id: i64,
) -> Result<()> {
    let organization_id = db
        .transaction(async |conn| {
            let scope = access::resolve(conn, actor, organization_url_name, None).await?;
            scope.require_user()?;
            if actor.user_id() != Some(user_id) {
                scope.require_owner()?;
            }
            let root_id = scope.root.id;
            if !leave(conn, root_id, user_id).await? {
                return Err(Error::NotFound("member"));
            }
            let owners_team: i64 = db_run!(conn: {
                teams::table
                    .filter(teams::organization_id.eq(root_id))
                    .filter(teams::is_owners)
                    .select(teams::id)
                    .first(conn)
                    .await?
            });
            team_rules::ensure_an_owner_remains(conn, owners_team).await?;
            Ok(root_id)
        })
        .await?;
    jobs_handle
        .invalidate(db, Invalidation::Documents { organization_id })
        .await
}

/// Takes the user out of the organization and its teams; whether they were a member.
/// Callers check who may do it and that an owner remains.
pub async fn leave(conn: &mut DbConn, root_id: i64, user_id: i64) -> Result<bool> {
    let removed = db_run!(conn: {
        diesel::delete(
            memberships::table
                .filter(memberships::organization_id.eq(root_id))
                .filter(memberships::user_id.eq(user_id)),
        )
        .execute(conn)
        .await?
    });
    let their_teams = teams::table
        .filter(teams::organization_id.eq(root_id))
        .select(teams::id);
    db_run!(conn: {
        diesel::delete(
            team_members::table
                .filter(team_members::user_id.eq(user_id))
                .filter(team_members::team_id.eq_any(their_teams)),
        )
        .execute(conn)
        .await?;
    });
    Ok(removed > 0)
}

/// Whom an invitation is for.
pub enum Invitee<'a> {
    Username(&'a str),
    Email(&'a str),
}

impl<'a> Invitee<'a> {
    /// An address when it has an `@`, else a username.
    pub fn parse(text: &'a str) -> Result<Invitee<'a>> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid(
                "usernameOrEmail",
                "name the user or give their email address",
            ));
        }
        if text.contains('@') {
            let (local, domain) = text.split_once('@').unwrap_or_default();
            if local.is_empty() || !domain.contains('.') || text.contains(char::is_whitespace) {
                return Err(Error::invalid(
                    "usernameOrEmail",
                    "this is not an email address",
                ));
            }
            Ok(Invitee::Email(text))
        } else {
            Ok(Invitee::Username(text))
        }
    }
}

/// An invitation with the teams the invitee joins on accepting.
pub struct PendingInvitation {
    pub invitation: Invitation,
    pub organization: Organization,
    pub teams: Vec<Team>,
    /// The invited account's username, for invitations by username.
    pub username: Option<String>,
}

/// Invites a user (by username) or an email address, into the given teams. Owners only.
pub async fn invite(
    db: &Db,
    actor: &Actor,
    organization_url_name: &str,
    invitee: Invitee<'_>,
    team_ids: &[i64],
) -> Result<PendingInvitation> {
    db.transaction(async |conn| {
        let scope = access::resolve(conn, actor, organization_url_name, None).await?;
        scope.require_user()?;
        scope.require_owner()?;
        let root_id = scope.root.id;
        let (user_id, email) = match invitee {
            Invitee::Username(username) => {
                let user: i64 = db_run!(conn: {
                    users::table
                        .filter(users::username.eq(username))
                        .select(users::id)
                        .first(conn)
                        .await
                        .optional()?
                })
                .ok_or_else(|| {
                    Error::invalid("usernameOrEmail", format!("there is no user {username:?}"))
                })?;
                (Some(user), None)
            }
            Invitee::Email(email) => (None, Some(email.to_lowercase())),
        };
        if let Some(user_id) = user_id {
            let member: i64 = db_run!(conn: {
                memberships::table
                    .filter(memberships::organization_id.eq(root_id))
                    .filter(memberships::user_id.eq(user_id))
                    .count()
                    .get_result(conn)
                    .await?
            });
            if member > 0 {
                return Err(Error::conflict(
                    "usernameOrEmail",
                    "this user is already a member",
                ));
            }
        }
        let teams = teams_of(conn, root_id, team_ids).await?;
        let now = db::now();
        let row = NewInvitation {
            organization_id: root_id,
            user_id,
            email: email.as_deref(),
            invited_by: actor.user_id(),
            created_at: now,
            expires_at: now + chrono::TimeDelta::days(INVITATION_DAYS),
        };
        let invitation = db_run!(conn: {
            diesel::insert_into(invitations::table)
                .values(&row)
                .returning(Invitation::as_returning())
                .get_result(conn)
                .await?
        });
        for team in &teams {
            db_run!(conn: {
                diesel::insert_into(invitation_teams::table)
                    .values((
                        invitation_teams::invitation_id.eq(invitation.id),
                        invitation_teams::team_id.eq(team.id),
                    ))
                    .execute(conn)
                    .await?;
            });
        }
        let username = match invitee {
            Invitee::Username(username) => Some(username.to_owned()),
            Invitee::Email(_) => None,
        };
        Ok(PendingInvitation {
            invitation,
            organization: scope.root.clone(),
            teams,
            username,
        })
    })
    .await
}

async fn teams_of(conn: &mut DbConn, organization_id: i64, team_ids: &[i64]) -> Result<Vec<Team>> {
    let found: Vec<Team> = db_run!(conn: {
        teams::table
            .filter(teams::organization_id.eq(organization_id))
            .filter(teams::id.eq_any(team_ids))
            .select(Team::as_select())
            .load(conn)
            .await?
    });
    if found.len() != team_ids.len() {
        return Err(Error::invalid(
            "teamIds",
            "every team must be a team of this organization",
        ));
    }
    Ok(found)
}

async fn with_details(conn: &mut DbConn, invitation: Invitation) -> Result<PendingInvitation> {
    let organization_id = invitation.organization_id;
    let invitation_id = invitation.id;
    let invited_user = invitation.user_id;
    let (organization, teams, username) = db_run!(conn: {
        let organization = organizations::table
            .find(organization_id)
            .select(Organization::as_select())
            .first(conn)
            .await?;
        let teams = teams::table
            .inner_join(invitation_teams::table)
            .filter(invitation_teams::invitation_id.eq(invitation_id))
            .select(Team::as_select())
            .load(conn)
            .await?;
        let username: Option<String> = match invited_user {
            Some(user_id) => users::table
                .find(user_id)
                .select(users::username)
                .first(conn)
                .await
                .optional()?,
            None => None,
        };
        (organization, teams, username)
    });
    Ok(PendingInvitation {
        invitation,
        organization,
        teams,
        username,
    })
}

/// Open invitations of the organization. Owners only.
pub async fn list_for_organization(
    conn: &mut DbConn,
    scope: &Access,
) -> Result<Vec<PendingInvitation>> {
    scope.require_user()?;
    scope.require_owner()?;
    let root_id = scope.root.id;
    let now = db::now();
    let rows: Vec<Invitation> = db_run!(conn: {
        invitations::table
            .filter(invitations::organization_id.eq(root_id))
            .filter(invitations::expires_at.gt(now))
            .order(invitations::id.asc())
            .select(Invitation::as_select())
            .load(conn)
            .await?
    });
    let mut pending = Vec::with_capacity(rows.len());
    for invitation in rows {
        pending.push(with_details(conn, invitation).await?);
    }
    Ok(pending)
}

/// Invitations addressed to the signed-in user, by account or by their email.
pub async fn list_for_viewer(conn: &mut DbConn, actor: &Actor) -> Result<Vec<PendingInvitation>> {
    let rows = addressed_to(conn, actor, None).await?;
    let mut pending = Vec::with_capacity(rows.len());
    for invitation in rows {
        pending.push(with_details(conn, invitation).await?);
    }
    Ok(pending)
}

async fn addressed_to(
    conn: &mut DbConn,
    actor: &Actor,
    invitation_id: Option<i64>,
) -> Result<Vec<Invitation>> {
    let user = actor.user()?;
    let user_id = user.id;
    let email: Option<String> = db_run!(conn: {
        users::table
            .find(user_id)
            .select(users::email)
            .first(conn)
            .await?
    });
    let email = email.map(|email| email.to_lowercase());
    let now = db::now();
    Ok(db_run!(conn: {
        let mut query = invitations::table
            .filter(invitations::expires_at.gt(now))
            .into_boxed();
        query = match &email {
            Some(email) => query.filter(
                invitations::user_id
                    .eq(user_id)
                    .or(invitations::email.eq(email.clone())),
            ),
            None => query.filter(invitations::user_id.eq(user_id)),
        };
        if let Some(id) = invitation_id {
            query = query.filter(invitations::id.eq(id));
        }
        query
            .order(invitations::id.asc())
            .select(Invitation::as_select())
            .load(conn)
            .await?
    }))
}

/// The signed-in user joins the organization and the invitation's teams.
pub async fn accept(db: &Db, actor: &Actor, invitation_id: i64) -> Result<Organization> {
    let user_id = actor.user()?.id;
    db.transaction(async |conn| {
        let invitation = addressed_to(conn, actor, Some(invitation_id))
            .await?
            .into_iter()
            .next()
            .ok_or(Error::NotFound("invitation"))?;
        let pending = with_details(conn, invitation).await?;
        let now = db::now();
        let membership = NewMembership {
            organization_id: pending.organization.id,
            user_id,
            created_at: now,
        };
        db_run!(conn: {
            diesel::insert_into(memberships::table)
                .values(&membership)
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        });
        for team in &pending.teams {
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
        }
        db_run!(conn: {
            diesel::delete(invitations::table.find(pending.invitation.id)).execute(conn).await?;
        });
        Ok(pending.organization)
    })
    .await
}

/// The invitee declines, or an owner withdraws the invitation.
pub async fn remove_invitation(db: &Db, actor: &Actor, invitation_id: i64) -> Result<()> {
    db.transaction(async |conn| {
        let addressed = match actor.user() {
            Ok(_) => addressed_to(conn, actor, Some(invitation_id)).await?,
            Err(_) => Vec::new(),
        };
        if addressed.is_empty() {
            let organization_id: i64 = db_run!(conn: {
                invitations::table
                    .find(invitation_id)
                    .select(invitations::organization_id)
                    .first(conn)
                    .await
                    .optional()?
            })
            .ok_or(Error::NotFound("invitation"))?;
            let scope =
                access::resolve_owner_of(conn, actor, organization_id, "invitation").await?;
            scope.require_user()?;
            scope.require_owner()?;
        }
        db_run!(conn: {
            diesel::delete(invitations::table.find(invitation_id)).execute(conn).await?;
        });
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitees_are_emails_when_they_have_an_at_sign() {
        assert!(matches!(
            Invitee::parse("alice"),
            Ok(Invitee::Username("alice"))
        ));
        assert!(matches!(
            Invitee::parse(" alice@example.com "),
            Ok(Invitee::Email("alice@example.com"))
        ));
        for bad in [
            "",
            "  ",
            "@example.com",
            "alice@localhost",
            "a b@example.com",
        ] {
            assert!(Invitee::parse(bad).is_err(), "{bad}");
        }
    }
}
