use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};

use super::api_tokens::ApiTokenView;
use super::connection::Connection;
use super::members::InvitationView;
use super::organizations::OrganizationView;
use super::{actor, state};
use crate::db::rows;
use crate::domain::pagination::PageRequest;
use crate::domain::{api_tokens, members, organizations, users};

pub struct UserView(pub rows::User);

#[Object(name = "User")]
impl UserView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn username(&self) -> &str {
        &self.0.username
    }

    /// Shown to the user themself and to instance administrators only.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        let actor = actor(ctx);
        (actor.user_id() == Some(self.0.id) || actor.is_admin())
            .then_some(self.0.email.as_deref())
            .flatten()
    }

    /// Administrator of this Packyard instance.
    async fn is_admin(&self) -> bool {
        self.0.is_admin
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    /// The organizations this user belongs to.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<OrganizationView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = organizations::list_for_user(&mut conn, actor(ctx), self.0.id, page).await?;
        Ok(Connection::from_page(page, OrganizationView))
    }

    /// Open invitations to organizations, addressed to this user by account or email.
    /// Visible to the user themself only.
    async fn invitations(&self, ctx: &Context<'_>) -> Result<Vec<InvitationView>> {
        if actor(ctx).user_id() != Some(self.0.id) {
            return Err(crate::error::Error::Forbidden(
                "invitations are shown to the invited user only".into(),
            )
            .into());
        }
        let mut conn = state(ctx).db.get().await?;
        let pending = members::list_for_viewer(&mut conn, actor(ctx)).await?;
        Ok(pending.into_iter().map(InvitationView).collect())
    }

    /// Accounts at code hosts this user signs in with. Shown to the user themself and
    /// to instance administrators.
    async fn identities(&self, ctx: &Context<'_>) -> Result<Vec<super::identities::IdentityView>> {
        super::identities::identities_of(ctx, self.0.id).await
    }

    /// Whether the user has a password (else they sign in with code hosts only).
    /// Shown to the user themself and to instance administrators.
    async fn has_password(&self, ctx: &Context<'_>) -> Option<bool> {
        let actor = actor(ctx);
        (actor.user_id() == Some(self.0.id) || actor.is_admin())
            .then_some(self.0.password_hash.is_some())
    }

    /// Personal API tokens, newest first (their secrets are never shown again).
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiTokenView>> {
        let mut conn = state(ctx).db.get().await?;
        let tokens = api_tokens::list(&mut conn, actor(ctx), self.0.id).await?;
        Ok(tokens.into_iter().map(ApiTokenView).collect())
    }
}

#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The signed-in user, or null for an anonymous request.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<UserView>> {
        let Some(user_id) = actor(ctx).user_id() else {
            return Ok(None);
        };
        let mut conn = state(ctx).db.get().await?;
        Ok(Some(UserView(users::find(&mut conn, user_id).await?)))
    }
}

#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Creates a user of this instance. Administrators only.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
        email: Option<String>,
        #[graphql(default = false)] is_admin: bool,
    ) -> Result<UserView> {
        let input = users::NewUserInput {
            username: &username,
            email: email.as_deref(),
            password: &password,
            is_admin,
        };
        Ok(UserView(
            users::create(&state(ctx).db, actor(ctx), input).await?,
        ))
    }
}
