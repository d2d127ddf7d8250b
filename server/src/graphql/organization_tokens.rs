use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::customers::DownloadSeries;
use super::{actor, parse_id, state};
use crate::auth::TokenAccess as Access;
use crate::db::rows;
use crate::domain::{downloads, organization_tokens};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum TokenAccess {
    /// Install packages.
    Read,
    /// Install packages and trigger their updates.
    Update,
}

impl From<TokenAccess> for Access {
    fn from(access: TokenAccess) -> Self {
        match access {
            TokenAccess::Read => Access::Read,
            TokenAccess::Update => Access::Update,
        }
    }
}

pub struct OrganizationTokenView(pub rows::OrganizationToken);

/// A token for the organization's Composer repository: HTTP basic with username
/// `token` and the secret as password.
#[Object(name = "OrganizationToken")]
impl OrganizationTokenView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn access(&self) -> TokenAccess {
        if self.0.access == "update" {
            TokenAccess::Update
        } else {
            TokenAccess::Read
        }
    }

    /// The first characters of the secret, to tell tokens apart.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at.map(|at| at.and_utc())
    }

    /// Installs reported through `notify-batch` with this token, per day, over the last
    /// `days` days.
    async fn downloads(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> Result<DownloadSeries> {
        let mut conn = state(ctx).db.get().await?;
        Ok(downloads::for_token(&mut conn, self.0.id, days)
            .await?
            .into())
    }

    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at.map(|at| at.and_utc())
    }

    /// The team whose packages the token sees; null when it sees all packages.
    async fn team_id(&self) -> Option<ID> {
        self.0.team_id.map(|id| ID(id.to_string()))
    }

    async fn access_to_all_packages(&self) -> bool {
        self.0.access_to_all_packages
    }
}

#[derive(SimpleObject)]
pub struct CreatedOrganizationToken {
    pub token: OrganizationTokenView,
    /// The secret. Shown this once: only its hash is kept.
    pub secret: String,
}

impl From<organization_tokens::CreatedToken> for CreatedOrganizationToken {
    fn from(created: organization_tokens::CreatedToken) -> Self {
        CreatedOrganizationToken {
            token: OrganizationTokenView(created.token),
            secret: created.secret,
        }
    }
}

#[derive(Default)]
pub struct OrganizationTokenMutation;

#[Object]
impl OrganizationTokenMutation {
    /// A token for the organization's repository, seeing one team's packages (`teamId`)
    /// or all packages (`accessToAllPackages`, the default); never both.
    #[allow(clippy::too_many_arguments)]
    async fn create_token(
        &self,
        ctx: &Context<'_>,
        organization: String,
        description: String,
        access: TokenAccess,
        team_id: Option<ID>,
        access_to_all_packages: Option<bool>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<CreatedOrganizationToken> {
        let team_id = team_id.map(|id| parse_id("teamId", &id)).transpose()?;
        let input = organization_tokens::TokenInput {
            description: &description,
            access: access.into(),
            team_id,
            access_to_all_packages,
            expires_at,
        };
        let created =
            organization_tokens::create(&state(ctx).db, actor(ctx), &organization, None, input)
                .await?;
        Ok(created.into())
    }

    /// A token for a suborganization's repository; it sees all of its packages.
    async fn create_suborganization_token(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: String,
        description: String,
        access: TokenAccess,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<CreatedOrganizationToken> {
        let input = organization_tokens::TokenInput {
            description: &description,
            access: access.into(),
            team_id: None,
            access_to_all_packages: None,
            expires_at,
        };
        let created = organization_tokens::create(
            &state(ctx).db,
            actor(ctx),
            &organization,
            Some(&suborganization),
            input,
        )
        .await?;
        Ok(created.into())
    }

    /// Removes a suborganization's token; it stops working at once. Returns its id.
    async fn remove_suborganization_token(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        self.remove_token(ctx, id).await
    }

    /// A new secret for a suborganization's token; the old one stops working immediately.
    async fn regenerate_suborganization_token(
        &self,
        ctx: &Context<'_>,
        id: ID,
        i_confirm_old_token_will_stop_working_immediately: bool,
    ) -> Result<CreatedOrganizationToken> {
        self.regenerate_token(ctx, id, i_confirm_old_token_will_stop_working_immediately)
            .await
    }

    /// Removes a token; it stops working at once. Returns its id.
    async fn remove_token(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let state = state(ctx);
        organization_tokens::remove(&state.db, &state.jobs, actor(ctx), parse_id("id", &id)?)
            .await?;
        Ok(id)
    }

    /// A new secret for the token; the old one stops working immediately.
    async fn regenerate_token(
        &self,
        ctx: &Context<'_>,
        id: ID,
        i_confirm_old_token_will_stop_working_immediately: bool,
    ) -> Result<CreatedOrganizationToken> {
        let state = state(ctx);
        let created = organization_tokens::regenerate(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("id", &id)?,
            i_confirm_old_token_will_stop_working_immediately,
        )
        .await?;
        Ok(created.into())
    }
}
