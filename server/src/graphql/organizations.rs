use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};

use super::artifacts::ArtifactView;
use super::connection::Connection;
use super::credentials::CredentialView;
use super::jobs::JobView;
use super::organization_tokens::OrganizationTokenView;
use super::packages::{ComposerRepository, PackageView};
use super::users::UserView;
use super::{actor, state};
use crate::composer::publish::RepositoryUrls;
use crate::db::rows;
use crate::domain::organizations::{self, Role, VisibleOrganization};
use crate::domain::pagination::PageRequest;
use crate::domain::{artifacts, credentials, jobs, organization_tokens, packages};

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

pub struct OrganizationView(pub VisibleOrganization);

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

    /// Your role here; null when you see it as an instance administrator only.
    async fn viewer_role(&self) -> Option<OrganizationRole> {
        self.0.role.map(Into::into)
    }

    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<MemberView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let page = organizations::members(&mut conn, &self.0, page).await?;
        Ok(Connection::from_page(page, |(membership, user, role)| {
            MemberView {
                membership,
                user,
                role,
            }
        }))
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
        self.require_owner(ctx)?;
        let mut conn = state(ctx).db.get().await?;
        let tokens = organization_tokens::list(&mut conn, &self.0).await?;
        Ok(tokens.into_iter().map(OrganizationTokenView).collect())
    }

    /// Credentials for reading package sources (never their secrets). Owners only.
    async fn credentials(&self, ctx: &Context<'_>) -> Result<Vec<CredentialView>> {
        self.require_owner(ctx)?;
        let mut conn = state(ctx).db.get().await?;
        let credentials = credentials::list(&mut conn, &self.0).await?;
        Ok(credentials.into_iter().map(CredentialView).collect())
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

impl OrganizationView {
    fn require_owner(&self, ctx: &Context<'_>) -> Result<(), crate::error::Error> {
        if self.0.role == Some(Role::Owner) || actor(ctx).is_admin() {
            Ok(())
        } else {
            Err(crate::error::Error::Forbidden(
                "only owners of the organization may see this".into(),
            ))
        }
    }
}

pub struct MemberView {
    membership: rows::Membership,
    user: rows::User,
    role: Role,
}

#[Object(name = "Member")]
impl MemberView {
    async fn user(&self) -> UserView {
        UserView(self.user.clone())
    }

    async fn role(&self) -> OrganizationRole {
        self.role.into()
    }

    async fn joined_at(&self) -> DateTime<Utc> {
        self.membership.created_at.and_utc()
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
