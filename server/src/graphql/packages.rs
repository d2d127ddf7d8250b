use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::Connection;
use super::customers::{CustomerView, DownloadSeries};
use super::jobs::JobView;
use super::{actor, parse_id, state};
use crate::composer::publish::RepositoryUrls;
use crate::db::rows;
use crate::domain::access::{self, Access};
use crate::domain::packages::{self, SourcePolicy, VcsSource};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::{customers, downloads, hook_secrets};
use crate::jobs::queue;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    /// Read from a git repository.
    Vcs,
    /// Defined by a JSON package definition.
    Custom,
    /// Built from uploaded zip archives.
    Artifact,
}

pub struct PackageView(pub rows::Package);

#[Object(name = "Package")]
impl PackageView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// `vendor/name`; null until the source has been read successfully once.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    async fn kind(&self) -> PackageKind {
        match self.0.kind.as_str() {
            "custom" => PackageKind::Custom,
            "artifact" => PackageKind::Artifact,
            _ => PackageKind::Vcs,
        }
    }

    async fn repository_url(&self) -> Option<&str> {
        self.0.repository_url.as_deref()
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Composer package type (`library`, …).
    #[graphql(name = "type")]
    async fn package_type(&self) -> Option<&str> {
        self.0.package_type.as_deref()
    }

    async fn default_branch(&self) -> Option<&str> {
        self.0.default_branch.as_deref()
    }

    /// The JSON definition of a custom package, as last submitted.
    async fn definition(&self) -> Option<&str> {
        self.0.definition.as_deref()
    }

    async fn credential_id(&self) -> Option<ID> {
        self.0.credential_id.map(|id| ID(id.to_string()))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at.and_utc()
    }

    /// What to run in a project to install it.
    async fn install_command(&self) -> Option<String> {
        self.0
            .name
            .as_ref()
            .map(|name| format!("composer require {name}"))
    }

    /// Releases newest first, then development versions.
    async fn versions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<PackageVersionView>> {
        let page = PageRequest::new(first, after.as_deref())?;
        let mut conn = state(ctx).db.get().await?;
        let all = packages::versions(&mut conn, &self.0).await?;
        Ok(Connection::from_page(
            Page::from_offset(page, all),
            PackageVersionView,
        ))
    }

    /// The uploaded archives of an artifact package.
    async fn artifacts(&self, ctx: &Context<'_>) -> Result<Vec<super::artifacts::ArtifactView>> {
        let mut conn = state(ctx).db.get().await?;
        let artifacts = crate::domain::artifacts::list(&mut conn, &self.0).await?;
        Ok(artifacts
            .into_iter()
            .map(super::artifacts::ArtifactView)
            .collect())
    }

    /// Packages of the organization that require this one (those you see).
    async fn dependents(&self, ctx: &Context<'_>) -> Result<Vec<PackageView>> {
        let mut conn = state(ctx).db.get().await?;
        let found = packages::dependents(&mut conn, &self.0).await?;
        let visible =
            packages::visible_to(&mut conn, actor(ctx), self.0.organization_id, found).await?;
        Ok(visible.into_iter().map(PackageView).collect())
    }

    /// Installs reported through `notify-batch` (by every reader), per day, over the last
    /// `days` days.
    async fn downloads(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> Result<DownloadSeries> {
        let mut conn = state(ctx).db.get().await?;
        Ok(downloads::for_package(&mut conn, self.0.id, days)
            .await?
            .into())
    }

    /// Customers the package is granted to directly, with their limits. Members who may
    /// view vendor customers.
    async fn customers(&self, ctx: &Context<'_>) -> Result<Vec<PackageCustomerView>> {
        let mut conn = state(ctx).db.get().await?;
        let scope = access::resolve_by_id(&mut conn, actor(ctx), self.0.organization_id).await?;
        let granted = customers::granted_package(&mut conn, &scope, self.0.id).await?;
        Ok(granted
            .into_iter()
            .map(|(grant, customer)| PackageCustomerView { grant, customer })
            .collect())
    }

    /// The latest inbound webhook deliveries that named this package, newest first
    /// (at most 100).
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<HookDeliveryView>> {
        let mut conn = state(ctx).db.get().await?;
        let limit = i64::from(first.clamp(0, 100));
        let rows = crate::domain::hooks::deliveries_of(&mut conn, self.0.id, limit).await?;
        Ok(rows.into_iter().map(HookDeliveryView).collect())
    }

    /// Where code hosts send this package's pushes: the hook URL of its organization (or
    /// suborganization), verified with [`webhookSecret`](Package::webhookSecret).
    async fn webhook_url(&self, ctx: &Context<'_>) -> Result<String> {
        let state = state(ctx);
        let mut conn = state.db.get().await?;
        let scope = access::resolve_by_id(&mut conn, actor(ctx), self.0.organization_id).await?;
        Ok(hook_secrets::hook_url(
            &state.config.public_url(),
            &scope.organization.url_name,
        ))
    }

    /// The secret code hosts sign deliveries to `webhookUrl` with (one per organization).
    /// FORBIDDEN unless you may edit the package.
    async fn webhook_secret(&self, ctx: &Context<'_>) -> Result<String> {
        let state = state(ctx);
        let mut conn = state.db.get().await?;
        let scope = access::resolve_by_id(&mut conn, actor(ctx), self.0.organization_id).await?;
        Ok(hook_secrets::for_package(&mut conn, &state.sealer, &scope, self.0.id).await?)
    }

    /// The most recent job that read this package's source.
    async fn last_job(&self, ctx: &Context<'_>) -> Result<Option<JobView>> {
        let Some(job_id) = self.0.last_job_id else {
            return Ok(None);
        };
        let mut conn = state(ctx).db.get().await?;
        Ok(queue::find(&mut conn, job_id).await?.map(JobView))
    }
}

/// One inbound webhook delivery (a code host's push, a ping, …) as it touched a package.
pub struct HookDeliveryView(pub rows::HookDelivery);

#[Object(name = "HookDelivery")]
impl HookDeliveryView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Who sent it: `github`, `gitlab`, `bitbucket-cloud`, `generic`, …
    async fn provider(&self) -> &str {
        &self.0.provider
    }

    /// `push`, `moved` or `update` (packages named directly).
    async fn event(&self) -> &str {
        &self.0.event
    }

    /// `queued`: an update job was queued (or joined).
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }

    /// The HTTP status answered.
    async fn status_code(&self) -> i32 {
        self.0.status_code
    }

    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The update job it queued or joined.
    async fn job_id(&self) -> Option<ID> {
        self.0.job_id.map(|id| ID(id.to_string()))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }
}

pub struct PackageVersionView(pub rows::PackageVersion);

#[Object(name = "PackageVersion")]
impl PackageVersionView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// As shown to people: `v1.2.0`, `dev-main`, `1.x-dev`.
    async fn version(&self) -> &str {
        &self.0.version
    }

    async fn version_normalized(&self) -> &str {
        &self.0.version_normalized
    }

    /// `stable`, `rc`, `beta`, `alpha` or `dev`.
    async fn stability(&self) -> &str {
        &self.0.stability
    }

    /// The tag or branch it was read from.
    async fn ref_name(&self) -> Option<&str> {
        self.0.ref_name.as_deref()
    }

    async fn source_reference(&self) -> Option<&str> {
        self.0.source_reference.as_deref()
    }

    async fn dist_reference(&self) -> Option<&str> {
        self.0.dist_reference.as_deref()
    }

    /// SHA-1 of the dist archive, as in the Composer metadata.
    async fn dist_shasum(&self) -> Option<&str> {
        self.0.dist_sha1.as_deref()
    }

    async fn released_at(&self) -> DateTime<Utc> {
        self.0.released_at.and_utc()
    }

    async fn is_default_branch(&self) -> bool {
        self.0.is_default_branch
    }
}

/// How Composer reaches the organization's packages.
#[derive(SimpleObject)]
pub struct ComposerRepository {
    /// The repository URL for `composer config repositories.<name> composer <url>`.
    pub url: String,
    /// Host (and port) that `auth.json` credentials are keyed by.
    pub auth_host: String,
    /// An `auth.json` for this repository, with a placeholder for a token.
    pub auth_json: String,
}

impl ComposerRepository {
    pub fn of(urls: &RepositoryUrls, organization: &Access) -> Self {
        Self::at(
            urls.repository(&organization.organization),
            "<organization token>",
        )
    }

    /// The repository at `url`, whose `auth.json` names `password_placeholder`.
    pub fn at(url: String, password_placeholder: &str) -> Self {
        let auth_host = url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_owned())
            .unwrap_or_default();
        let auth_json = serde_json::to_string_pretty(&serde_json::json!({
            "http-basic": { auth_host.clone(): { "username": "token", "password": password_placeholder } }
        }))
        .expect("static JSON");
        ComposerRepository {
            url,
            auth_host,
            auth_json,
        }
    }
}

#[derive(Default)]
pub struct PackageMutation;

#[Object]
impl PackageMutation {
    /// Adds a package read from a git repository. Returns the job that reads it; the
    /// package gets its name from composer.json.
    async fn create_vcs_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        url: String,
        credential_id: Option<ID>,
    ) -> Result<JobView> {
        let state = state(ctx);
        let credential_id = credential_id
            .as_ref()
            .map(|id| parse_id("credentialId", id))
            .transpose()?;
        let policy = SourcePolicy::new(&state.config);
        let job = packages::create_vcs(
            &state.db,
            &state.jobs,
            actor(ctx),
            policy,
            &organization,
            suborganization.as_deref(),
            VcsSource {
                url: &url,
                credential_id,
                synchronization_id: None,
            },
        )
        .await?;
        Ok(JobView(job))
    }

    /// Adds a package defined in JSON: one version object, a list of them, or a Composer
    /// `package` repository. Mistakes are BAD_USER_INPUT on `definition`.
    async fn create_custom_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        definition: String,
    ) -> Result<JobView> {
        let state = state(ctx);
        let job = packages::create_custom(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &definition,
        )
        .await?;
        Ok(JobView(job))
    }

    /// Replaces a custom package's definition (the name must stay).
    async fn edit_custom_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        name: String,
        definition: String,
    ) -> Result<JobView> {
        let state = state(ctx);
        let job = packages::edit_custom(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &name,
            &definition,
        )
        .await?;
        Ok(JobView(job))
    }

    /// Points a VCS package at another repository URL or credential and reads it again.
    async fn edit_vcs_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        name: String,
        url: String,
        credential_id: Option<ID>,
    ) -> Result<JobView> {
        let state = state(ctx);
        let credential_id = credential_id
            .as_ref()
            .map(|id| parse_id("credentialId", id))
            .transpose()?;
        let policy = SourcePolicy::new(&state.config);
        let job = packages::edit_vcs(
            &state.db,
            &state.jobs,
            actor(ctx),
            policy,
            &organization,
            suborganization.as_deref(),
            &name,
            &url,
            credential_id,
        )
        .await?;
        Ok(JobView(job))
    }

    /// Reads the package's source again now.
    async fn update_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        name: String,
    ) -> Result<JobView> {
        let state = state(ctx);
        let job = packages::update(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &name,
        )
        .await?;
        Ok(JobView(job))
    }

    /// Removes the package and its versions from the organization's repository. An
    /// artifact package's uploaded archives go with it; stored files (its git mirror,
    /// dist archives, archive files) are deleted by a job.
    async fn remove_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        name: String,
    ) -> Result<bool> {
        let state = state(ctx);
        let urls = RepositoryUrls::new(&state.config);
        packages::remove(
            &state.db,
            &state.jobs,
            &urls,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &name,
        )
        .await?;
        Ok(true)
    }
}

/// A customer's grant of one package.
pub struct PackageCustomerView {
    grant: rows::CustomerPackage,
    customer: rows::Customer,
}

#[Object(name = "PackageCustomer")]
impl PackageCustomerView {
    async fn customer(&self) -> CustomerView {
        CustomerView(self.customer.clone())
    }

    async fn version_constraint(&self) -> Option<&str> {
        self.grant.version_constraint.as_deref()
    }

    async fn expiration_date(&self) -> Option<DateTime<Utc>> {
        self.grant.expiration_date.map(|at| at.and_utc())
    }

    async fn minimum_accessible_stability(&self) -> Option<&str> {
        self.grant.minimum_accessible_stability.as_deref()
    }
}
