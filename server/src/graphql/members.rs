use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};

use super::organizations::OrganizationRole;
use super::teams::TeamView;
use super::users::UserView;
use super::{actor, parse_id, state};
use crate::domain::members::{self, Invitee, Member, PendingInvitation};

pub struct MemberView(pub Member);

#[Object(name = "Member")]
impl MemberView {
    async fn user(&self) -> UserView {
        UserView(self.0.user.clone())
    }

    async fn role(&self) -> OrganizationRole {
        if self.0.is_owner() {
            OrganizationRole::Owner
        } else {
            OrganizationRole::Member
        }
    }

    async fn teams(&self) -> Vec<TeamView> {
        self.0.teams.iter().cloned().map(TeamView).collect()
    }

    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.membership.created_at.and_utc()
    }
}

pub struct InvitationView(pub PendingInvitation);

/// An invitation to join an organization (and some of its teams).
#[Object(name = "Invitation")]
impl InvitationView {
    async fn id(&self) -> ID {
        ID(self.0.invitation.id.to_string())
    }

    async fn organization_name(&self) -> &str {
        &self.0.organization.name
    }

    async fn organization_url_name(&self) -> &str {
        &self.0.organization.url_name
    }

    /// The invited address, when the invitation is by email.
    async fn email(&self) -> Option<&str> {
        self.0.invitation.email.as_deref()
    }

    /// The invited user's username, when the invitation is by username.
    async fn username(&self) -> Option<&str> {
        self.0.username.as_deref()
    }

    /// The invited user's id, when the invitation is by username.
    async fn user_id(&self) -> Option<ID> {
        self.0.invitation.user_id.map(|id| ID(id.to_string()))
    }

    async fn teams(&self) -> Vec<TeamView> {
        self.0.teams.iter().cloned().map(TeamView).collect()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.invitation.created_at.and_utc()
    }

    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.invitation.expires_at.and_utc()
    }
}

#[derive(Default)]
pub struct MemberMutation;

#[Object]
impl MemberMutation {
    /// Invites a user, by username or email address, into the organization and the given
    /// teams. They become a member when they accept. Owners only.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        organization: String,
        username_or_email: String,
        #[graphql(default)] team_ids: Vec<ID>,
    ) -> Result<InvitationView> {
        let team_ids = team_ids
            .iter()
            .map(|id| parse_id("teamIds", id))
            .collect::<Result<Vec<_>, _>>()?;
        let invitee = Invitee::parse(&username_or_email)?;
        let invitation = members::invite(
            &state(ctx).db,
            actor(ctx),
            &organization,
            invitee,
            &team_ids,
        )
        .await?;
        Ok(InvitationView(invitation))
    }

    /// Accepts an invitation addressed to you. Returns the organization's `urlName`.
    async fn accept_invitation(&self, ctx: &Context<'_>, id: ID) -> Result<String> {
        let organization =
            members::accept(&state(ctx).db, actor(ctx), parse_id("id", &id)?).await?;
        Ok(organization.url_name)
    }

    /// Declines an invitation addressed to you, or withdraws one (owners). Returns its id.
    async fn remove_invitation(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        members::remove_invitation(&state(ctx).db, actor(ctx), parse_id("id", &id)?).await?;
        Ok(id)
    }

    /// Removes a member from the organization and its teams (owners; anyone may leave).
    /// Their sessions and personal tokens lose the organization at once. Returns the
    /// user's id.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        organization: String,
        user_id: ID,
    ) -> Result<ID> {
        let state = state(ctx);
        members::remove(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            parse_id("userId", &user_id)?,
        )
        .await?;
        Ok(user_id)
    }
}
