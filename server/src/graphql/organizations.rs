use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};

use super::artifacts::ArtifactView;
use super::connection::Connection;
use super::credentials::CredentialView;
use super::customers::CustomerView;
use super::jobs::JobView;
use super::members::{InvitationView, MemberView};
use super::organization_tokens::OrganizationTokenView;
use super::packages::{ComposerRepository, PackageView};
use super::suborganizations::SuborganizationView;
use super::synchronizations::SynchronizationView;
use super::teams::{TeamPermissionFlags, TeamView};
use super::vendor_bundles::VendorBundleView;
use super::webhooks::WebhookView;
use super::{actor, parse_id, state};
use crate::composer::publish::RepositoryUrls;
use crate::domain::access::{self, Access};
use crate::domain::organizations::{self, Role};
use crate::domain::pagination::PageRequest;
use crate::domain::synchronizations;
use crate::domain::{
    artifacts, credentials, customers, jobs, members, organization_tokens, packages,
    suborganizations, teams, vendor_bundles, webhooks,
};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationRole {
    Owner,
    Member,
}

impl From<Role> for OrganizationRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Owner => OrganizationRole::Owner,
            Role::Member => OrganizationRole::Member,
        }
    }
}

pub struct OrganizationView(pub Access);

#[Object(name = "Organization")]
impl OrganizationView {
    async fn id(&self) -> ID {
        ID(self.0.organization.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.organization.name
    }

    /// The organization's name in URLs.
    async fn url_name(&self) -> &str {
        &self.0.organization.url_name
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.organization.created_at.and_utc()
    }

    /// Your role here; null when you see it without being a member (as an instance
    /// administrator, or with a token).
    async fn viewer_role(&self) -> Option<OrganizationRole> {
        Role::of(&self.0).map(Into::into)
    }

    /// What your teams let you do here (every flag for owners).
    async fn viewer_permissions(&self) -> TeamPermissionFlags {
        if self.0.owner {
            access::TeamPermissions::ALL.into()
        } else {
            self.0.permissions.into()
        }
    }

    /// The teams you are in here.
    async fn viewer_teams(&self, ctx: &Context<'_>) -> Result<Vec<TeamView>> {
        if self.0.team_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = state(ctx).db.get().await?;
        let teams = teams::list(&mut conn, &self.0).await?;
        Ok(teams
            .into_iter()
            .filter(|team| self.0.team_ids.contains(&team.id))
            .map(TeamView)
            .collect())
    }

    /// Members with their teams.
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<MemberView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = members::list(&mut conn, &self.0, page).await?;
        Ok(Connection::from_page(page, MemberView))
    }

    /// Open invitations. Owners only.
    async fn invitations(&self, ctx: &Context<'_>) -> Result<Vec<InvitationView>> {
        let mut conn = state(ctx).db.get().await?;
        let invitations = members::list_for_organization(&mut conn, &self.0).await?;
        Ok(invitations.into_iter().map(InvitationView).collect())
    }

    /// The teams, the owners team first.
    async fn teams(&self, ctx: &Context<'_>) -> Result<Vec<TeamView>> {
        let mut conn = state(ctx).db.get().await?;
        let teams = teams::list(&mut conn, &self.0).await?;
        Ok(teams.into_iter().map(TeamView).collect())
    }

    async fn team(&self, ctx: &Context<'_>, id: ID) -> Result<TeamView> {
        let mut conn = state(ctx).db.get().await?;
        let team = teams::find(&mut conn, &self.0, parse_id("id", &id)?).await?;
        Ok(TeamView(team))
    }

    /// The suborganizations you reach (all of them for owners).
    async fn suborganizations(&self, ctx: &Context<'_>) -> Result<Vec<SuborganizationView>> {
        let state = state(ctx);
        let mut conn = state.db.get().await?;
        let found = suborganizations::list(&mut conn, &self.0).await?;
        let mut views = Vec::with_capacity(found.len());
        for suborganization in found {
            let own = suborganizations::short_url_name(&suborganization);
            let scope =
                access::resolve(&mut conn, actor(ctx), &self.0.root.url_name, Some(own)).await?;
            views.push(SuborganizationView(scope));
        }
        Ok(views)
    }

    /// A suborganization by its `urlName`.
    async fn suborganization(
        &self,
        ctx: &Context<'_>,
        url_name: String,
    ) -> Result<SuborganizationView> {
        let mut conn = state(ctx).db.get().await?;
        let scope = access::resolve(
            &mut conn,
            actor(ctx),
            &self.0.root.url_name,
            Some(&url_name),
        )
        .await?;
        Ok(SuborganizationView(scope))
    }

    /// Packages, by the order they were added; `query` searches name, description and URL.
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

    /// Uploaded zip archives, oldest first: only those of `packageName` when given, only
    /// those no package uses when `unused` is true.
    async fn artifacts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        package_name: Option<String>,
        #[graphql(default = false)] unused: bool,
    ) -> Result<Connection<ArtifactView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = artifacts::list_for_organization(
            &mut conn,
            &self.0,
            package_name.as_deref(),
            unused,
            page,
        )
        .await?;
        Ok(Connection::from_page(page, ArtifactView))
    }

    /// A package by `vendor/name` (or `#id` before its source was first read).
    async fn package(&self, ctx: &Context<'_>, name: String) -> Result<PackageView> {
        let mut conn = state(ctx).db.get().await?;
        Ok(PackageView(
            packages::find(&mut conn, &self.0, &name).await?,
        ))
    }

    /// Tokens for the Composer repository. Owners only.
    async fn tokens(&self, ctx: &Context<'_>) -> Result<Vec<OrganizationTokenView>> {
        let mut conn = state(ctx).db.get().await?;
        let tokens = organization_tokens::list(&mut conn, &self.0).await?;
        Ok(tokens.into_iter().map(OrganizationTokenView).collect())
    }

    /// Credentials for reading package sources (never their secrets). Owners and
    /// members who may add packages.
    async fn credentials(&self, ctx: &Context<'_>) -> Result<Vec<CredentialView>> {
        let mut conn = state(ctx).db.get().await?;
        let credentials = credentials::list(&mut conn, &self.0).await?;
        Ok(credentials.into_iter().map(CredentialView).collect())
    }

    /// Vendor customers, oldest first. Members who may view vendor customers.
    async fn customers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<CustomerView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = customers::list(&mut conn, &self.0, page).await?;
        Ok(Connection::from_page(page, CustomerView))
    }

    /// A customer by id or `urlName`.
    async fn customer(&self, ctx: &Context<'_>, id_or_url_name: String) -> Result<CustomerView> {
        let mut conn = state(ctx).db.get().await?;
        Ok(CustomerView(
            customers::find(&mut conn, &self.0, &id_or_url_name).await?,
        ))
    }

    /// Vendor bundles, by name. Members who may view vendor customers.
    async fn vendor_bundles(&self, ctx: &Context<'_>) -> Result<Vec<VendorBundleView>> {
        let mut conn = state(ctx).db.get().await?;
        let bundles = vendor_bundles::list(&mut conn, &self.0).await?;
        Ok(bundles.into_iter().map(VendorBundleView).collect())
    }

    async fn vendor_bundle(&self, ctx: &Context<'_>, id: ID) -> Result<VendorBundleView> {
        let mut conn = state(ctx).db.get().await?;
        Ok(VendorBundleView(
            vendor_bundles::find(&mut conn, &self.0, parse_id("id", &id)?).await?,
        ))
    }

    /// Outgoing webhooks with their delivery logs. Owners only.
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<WebhookView>> {
        let mut conn = state(ctx).db.get().await?;
        let found = webhooks::list(&mut conn, &self.0).await?;
        Ok(found.into_iter().map(WebhookView).collect())
    }

    /// Code host organizations, groups and workspaces whose repositories become
    /// packages here. Owners only.
    async fn synchronizations(&self, ctx: &Context<'_>) -> Result<Vec<SynchronizationView>> {
        let mut conn = state(ctx).db.get().await?;
        let found = synchronizations::list(&mut conn, &self.0).await?;
        Ok(found.into_iter().map(SynchronizationView).collect())
    }

    /// Where Composer finds this organization's packages, and how to authenticate.
    async fn composer_repository(&self, ctx: &Context<'_>) -> ComposerRepository {
        let urls = RepositoryUrls::new(&state(ctx).config);
        ComposerRepository::of(&urls, &self.0)
    }

    /// Background jobs of this organization, newest first.
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<JobView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = jobs::list_for_organization(&mut conn, &self.0, page).await?;
        Ok(Connection::from_page(page, JobView))
    }
}

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// An organization you belong to, by its `urlName`.
    async fn organization(&self, ctx: &Context<'_>, url_name: String) -> Result<OrganizationView> {
        let mut conn = state(ctx).db.get().await?;
        let organization = organizations::find_visible(&mut conn, actor(ctx), &url_name).await?;
        Ok(OrganizationView(organization))
    }
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Creates an organization owned by you. `urlName` defaults to a slug of `name`.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        name: String,
        url_name: Option<String>,
    ) -> Result<OrganizationView> {
        let organization =
            organizations::create(&state(ctx).db, actor(ctx), &name, url_name.as_deref()).await?;
        Ok(OrganizationView(organization))
    }
}
