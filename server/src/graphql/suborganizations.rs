use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::connection::Connection;
use super::organization_tokens::OrganizationTokenView;
use super::packages::{ComposerRepository, PackageView};
use super::teams::TeamView;
use super::{actor, parse_id, state};
use crate::composer::publish::RepositoryUrls;
use crate::db::rows;
use crate::domain::access::{Access, SuborganizationPermission};
use crate::domain::pagination::PageRequest;
use crate::domain::{organization_tokens, packages, suborganizations};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SuborganizationPermission")]
pub enum Permission {
    /// Manage the suborganization: packages, tokens, its teams.
    Owner,
    /// See its packages.
    View,
}

impl From<Permission> for SuborganizationPermission {
    fn from(permission: Permission) -> Self {
        match permission {
            Permission::Owner => SuborganizationPermission::Owner,
            Permission::View => SuborganizationPermission::View,
        }
    }
}

impl From<SuborganizationPermission> for Permission {
    fn from(permission: SuborganizationPermission) -> Self {
        match permission {
            SuborganizationPermission::Owner => Permission::Owner,
            SuborganizationPermission::View => Permission::View,
        }
    }
}

pub struct SuborganizationTeamView {
    team: rows::Team,
    permission: SuborganizationPermission,
}

/// A team of the parent organization and what it may do in the suborganization.
#[Object(name = "SuborganizationTeam")]
impl SuborganizationTeamView {
    async fn team(&self) -> TeamView {
        TeamView(self.team.clone())
    }

    async fn permission(&self) -> Permission {
        self.permission.into()
    }
}

#[derive(InputObject)]
pub struct SuborganizationTeamInput {
    pub team_id: ID,
    pub permission: Permission,
}

pub struct SuborganizationView(pub Access);

#[Object(name = "Suborganization")]
impl SuborganizationView {
    async fn id(&self) -> ID {
        ID(self.0.organization.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.organization.name
    }

    /// Its name in URLs, within the parent organization.
    async fn url_name(&self) -> &str {
        suborganizations::short_url_name(&self.0.organization)
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.organization.created_at.and_utc()
    }

    /// Whether you may manage it.
    async fn viewer_is_owner(&self) -> bool {
        self.0.owner
    }

    /// Its own Composer repository: it serves only the suborganization's packages.
    async fn composer_repository(&self, ctx: &Context<'_>) -> ComposerRepository {
        let urls = RepositoryUrls::new(&state(ctx).config);
        ComposerRepository::of(&urls, &self.0)
    }

    async fn teams(&self, ctx: &Context<'_>) -> Result<Vec<SuborganizationTeamView>> {
        let mut conn = state(ctx).db.get().await?;
        let teams = suborganizations::teams(&mut conn, self.0.organization.id).await?;
        Ok(teams
            .into_iter()
            .map(|(team, permission)| SuborganizationTeamView { team, permission })
            .collect())
    }

    async fn packages(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        query: Option<String>,
    ) -> Result<Connection<PackageView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = packages::list(&mut conn, &self.0, query.as_deref(), page).await?;
        Ok(Connection::from_page(page, PackageView))
    }

    async fn package(&self, ctx: &Context<'_>, name: String) -> Result<PackageView> {
        let mut conn = state(ctx).db.get().await?;
        Ok(PackageView(
            packages::find(&mut conn, &self.0, &name).await?,
        ))
    }

    /// Tokens for its repository. Its owners only.
    async fn tokens(&self, ctx: &Context<'_>) -> Result<Vec<OrganizationTokenView>> {
        let mut conn = state(ctx).db.get().await?;
        let tokens = organization_tokens::list(&mut conn, &self.0).await?;
        Ok(tokens.into_iter().map(OrganizationTokenView).collect())
    }
}

#[derive(Default)]
pub struct SuborganizationMutation;

#[Object]
impl SuborganizationMutation {
    /// Creates a suborganization. Owners, and members whose team may create them (the
    /// team then owns it).
    async fn create_suborganization(
        &self,
        ctx: &Context<'_>,
        organization: String,
        name: String,
        url_name: Option<String>,
    ) -> Result<SuborganizationView> {
        let created = suborganizations::create(
            &state(ctx).db,
            actor(ctx),
            &organization,
            &name,
            url_name.as_deref(),
        )
        .await?;
        Ok(SuborganizationView(created))
    }

    /// Removes a suborganization with its packages and tokens.
    async fn remove_suborganization(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: String,
    ) -> Result<bool> {
        let state = state(ctx);
        suborganizations::remove(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            &suborganization,
        )
        .await?;
        Ok(true)
    }

    /// Gives teams of the organization a permission on the suborganization.
    async fn add_or_edit_suborganization_teams(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: String,
        teams: Vec<SuborganizationTeamInput>,
    ) -> Result<SuborganizationView> {
        let grants = teams
            .iter()
            .map(|input| Ok((parse_id("teamId", &input.team_id)?, input.permission.into())))
            .collect::<Result<Vec<_>, crate::error::Error>>()?;
        let scope = suborganizations::add_or_edit_teams(
            &state(ctx).db,
            actor(ctx),
            &organization,
            &suborganization,
            &grants,
        )
        .await?;
        Ok(SuborganizationView(scope))
    }

    async fn remove_suborganization_team(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: String,
        team_id: ID,
    ) -> Result<ID> {
        let state = state(ctx);
        suborganizations::remove_team(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            &suborganization,
            parse_id("teamId", &team_id)?,
        )
        .await?;
        Ok(team_id)
    }
}
