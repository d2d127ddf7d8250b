use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::packages::{ComposerRepository, PackageView};
use super::vendor_bundles::VendorBundleView;
use super::{actor, change_of, parse_id, state};
use crate::composer::publish::RepositoryUrls;
use crate::db::rows;
use crate::domain::customers::{self, CustomerChanges, NewCustomerInput, PackageLimits};
use crate::domain::{access, customer_grants, downloads};

pub struct CustomerView(pub rows::Customer);

#[Object(name = "Customer")]
impl CustomerView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The last part of the customer's repository URL.
    async fn url_name(&self) -> &str {
        &self.0.url_name
    }

    /// A disabled customer's credentials are refused; grants are kept.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// Whether metadata names the source repository; otherwise only dists install.
    async fn access_to_version_control_source(&self) -> bool {
        self.0.access_to_version_control_source
    }

    /// The least stable versions the customer gets at all (`dev` … `stable`).
    async fn minimum_accessible_stability(&self) -> Option<&str> {
        self.0.minimum_accessible_stability.as_deref()
    }

    /// Every current and future package of the organization.
    async fn assign_all_packages(&self) -> bool {
        self.0.assign_all_packages
    }

    /// The start of the token, to tell which one a customer uses.
    async fn token_prefix(&self) -> &str {
        &self.0.token_prefix
    }

    async fn last_used(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at.map(|at| at.and_utc())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    /// Where the customer's Composer finds its packages, and how to authenticate.
    async fn composer_repository(&self, ctx: &Context<'_>) -> Result<ComposerRepository> {
        let state = state(ctx);
        let mut conn = state.db.get().await?;
        let organization =
            access::resolve_by_id(&mut conn, actor(ctx), self.0.organization_id).await?;
        let urls = RepositoryUrls::new(&state.config);
        let url = urls.customer_repository(&organization.organization, &self.0.url_name);
        Ok(ComposerRepository::at(url, "<customer token>"))
    }

    /// Packages granted to the customer directly, with their limits and the versions the
    /// customer may install (through every grant, bundles included).
    async fn packages(&self, ctx: &Context<'_>) -> Result<Vec<CustomerPackageView>> {
        let mut conn = state(ctx).db.get().await?;
        let granted = customers::packages(&mut conn, &self.0).await?;
        let package_ids: Vec<i64> = granted.iter().map(|(_, package)| package.id).collect();
        let mut installable =
            customer_grants::installable_versions(&mut conn, &self.0, &package_ids).await?;
        Ok(granted
            .into_iter()
            .map(|(grant, package)| CustomerPackageView {
                versions: installable.remove(&package.id).unwrap_or_default(),
                grant,
                package,
            })
            .collect())
    }

    /// Vendor bundles the customer has, with their expiry.
    async fn vendor_bundles(&self, ctx: &Context<'_>) -> Result<Vec<CustomerVendorBundleView>> {
        let mut conn = state(ctx).db.get().await?;
        let found = customers::vendor_bundles(&mut conn, &self.0).await?;
        Ok(found
            .into_iter()
            .map(|(grant, bundle)| CustomerVendorBundleView { grant, bundle })
            .collect())
    }

    /// Key pairs that work as HTTP Basic credentials on the customer's repository.
    async fn magento_legacy_keys(&self, ctx: &Context<'_>) -> Result<Vec<MagentoLegacyKeyView>> {
        let mut conn = state(ctx).db.get().await?;
        let keys = customers::magento_legacy_keys(&mut conn, &self.0).await?;
        Ok(keys.into_iter().map(MagentoLegacyKeyView).collect())
    }

    /// Installs the customer's Composer reported, per day, over the last `days` days.
    async fn downloads(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30)] days: i32,
    ) -> Result<DownloadSeries> {
        let mut conn = state(ctx).db.get().await?;
        Ok(downloads::for_customer(&mut conn, self.0.id, days)
            .await?
            .into())
    }
}

#[derive(SimpleObject)]
pub struct DailyDownloads {
    pub day: NaiveDate,
    pub downloads: i64,
}

/// Installs per day, every day of the period (oldest first), and their sum.
#[derive(SimpleObject)]
pub struct DownloadSeries {
    pub total: i64,
    pub days: Vec<DailyDownloads>,
}

impl From<downloads::DailySeries> for DownloadSeries {
    fn from(series: downloads::DailySeries) -> Self {
        DownloadSeries {
            total: series.total,
            days: series
                .days
                .into_iter()
                .map(|(day, downloads)| DailyDownloads { day, downloads })
                .collect(),
        }
    }
}

pub struct CustomerPackageView {
    pub grant: rows::CustomerPackage,
    pub package: rows::Package,
    /// What the customer may install of it, newest first.
    pub versions: Vec<rows::PackageVersion>,
}

#[Object(name = "CustomerPackage")]
impl CustomerPackageView {
    async fn package(&self) -> PackageView {
        PackageView(self.package.clone())
    }

    async fn name(&self) -> Option<&str> {
        self.package.name.as_deref()
    }

    /// A Composer constraint (`^1.0 | ^2.0`); none means every version.
    async fn version_constraint(&self) -> Option<&str> {
        self.grant.version_constraint.as_deref()
    }

    /// Only versions released on or before this moment.
    async fn expiration_date(&self) -> Option<DateTime<Utc>> {
        self.grant.expiration_date.map(|at| at.and_utc())
    }

    async fn minimum_accessible_stability(&self) -> Option<&str> {
        self.grant.minimum_accessible_stability.as_deref()
    }

    /// The versions the customer may install, newest first.
    async fn versions(&self) -> Vec<CustomerPackageVersion> {
        self.versions
            .iter()
            .map(|version| CustomerPackageVersion {
                version: version.version.clone(),
                version_normalized: version.version_normalized.clone(),
                source_reference: version.source_reference.clone(),
                dist_reference: version.dist_reference.clone(),
                released_at: version.released_at.and_utc(),
            })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct CustomerPackageVersion {
    pub version: String,
    pub version_normalized: String,
    pub source_reference: Option<String>,
    pub dist_reference: Option<String>,
    pub released_at: DateTime<Utc>,
}

pub struct CustomerVendorBundleView {
    pub grant: rows::CustomerVendorBundle,
    pub bundle: rows::VendorBundle,
}

#[Object(name = "CustomerVendorBundle")]
impl CustomerVendorBundleView {
    async fn vendor_bundle(&self) -> VendorBundleView {
        VendorBundleView(self.bundle.clone())
    }

    /// Only versions released on or before this moment, of every package in the bundle.
    async fn expiration_date(&self) -> Option<DateTime<Utc>> {
        self.grant.expiration_date.map(|at| at.and_utc())
    }
}

pub struct MagentoLegacyKeyView(pub rows::MagentoLegacyKey);

#[Object(name = "MagentoLegacyKey")]
impl MagentoLegacyKeyView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The HTTP Basic username. (The private key is kept only as a hash.)
    async fn public_key(&self) -> &str {
        &self.0.public_key
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }
}

#[derive(SimpleObject)]
pub struct CreatedCustomer {
    pub customer: CustomerView,
    /// The customer's token, the HTTP Basic password with username `token`. Shown this
    /// once: only its hash is kept.
    pub token: String,
}

impl From<customers::CreatedCustomer> for CreatedCustomer {
    fn from(created: customers::CreatedCustomer) -> Self {
        CreatedCustomer {
            customer: CustomerView(created.customer),
            token: created.token,
        }
    }
}

/// A package to grant and its limits; each limit left out means none.
#[derive(InputObject)]
pub struct CustomerPackageInput {
    /// `vendor/name` (or the package id).
    pub name: String,
    pub version_constraint: Option<String>,
    pub expiration_date: Option<DateTime<Utc>>,
    pub minimum_accessible_stability: Option<String>,
}

#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
    /// Creates a customer with its own repository and token. Needs the permission to
    /// manage vendor customers.
    #[allow(clippy::too_many_arguments)]
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        organization: String,
        name: String,
        url_name: Option<String>,
        #[graphql(default = false)] access_to_version_control_source: bool,
        minimum_accessible_stability: Option<String>,
        #[graphql(default = false)] assign_all_packages: bool,
    ) -> Result<CreatedCustomer> {
        let input = NewCustomerInput {
            name: &name,
            url_name: url_name.as_deref(),
            access_to_version_control_source,
            minimum_accessible_stability: minimum_accessible_stability.as_deref(),
            assign_all_packages,
        };
        let created = customers::create(&state(ctx).db, actor(ctx), &organization, input).await?;
        Ok(created.into())
    }

    /// Changes the settings given; the others stay.
    #[allow(clippy::too_many_arguments)]
    async fn edit_customer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: Option<String>,
        url_name: Option<String>,
        access_to_version_control_source: Option<bool>,
        minimum_accessible_stability: MaybeUndefined<String>,
        assign_all_packages: Option<bool>,
    ) -> Result<CustomerView> {
        let state = state(ctx);
        let changes = CustomerChanges {
            name: name.as_deref(),
            url_name: url_name.as_deref(),
            access_to_version_control_source,
            minimum_accessible_stability: change_of(&minimum_accessible_stability),
            assign_all_packages,
        };
        let customer = customers::edit(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("id", &id)?,
            changes,
        )
        .await?;
        Ok(CustomerView(customer))
    }

    /// Removes the customer, its repository and credentials. Returns its id.
    async fn remove_customer(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let state = state(ctx);
        customers::remove(&state.db, &state.jobs, actor(ctx), parse_id("id", &id)?).await?;
        Ok(id)
    }

    async fn enable_customer(&self, ctx: &Context<'_>, id: ID) -> Result<CustomerView> {
        let state = state(ctx);
        let customer = customers::set_enabled(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("id", &id)?,
            true,
        )
        .await?;
        Ok(CustomerView(customer))
    }

    /// The customer's credentials stop working at once; nothing else changes.
    async fn disable_customer(&self, ctx: &Context<'_>, id: ID) -> Result<CustomerView> {
        let state = state(ctx);
        let customer = customers::set_enabled(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("id", &id)?,
            false,
        )
        .await?;
        Ok(CustomerView(customer))
    }

    /// A new token for the customer; the old one stops working immediately.
    async fn regenerate_customer_token(
        &self,
        ctx: &Context<'_>,
        id: ID,
        i_confirm_old_token_will_stop_working_immediately: bool,
    ) -> Result<CreatedCustomer> {
        let state = state(ctx);
        let created = customers::regenerate_token(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("id", &id)?,
            i_confirm_old_token_will_stop_working_immediately,
        )
        .await?;
        Ok(created.into())
    }

    /// Grants packages with their limits, or replaces the limits of granted ones.
    async fn add_or_edit_customer_packages(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        packages: Vec<CustomerPackageInput>,
    ) -> Result<Vec<CustomerPackageView>> {
        let state = state(ctx);
        let items: Vec<PackageLimits<'_>> = packages
            .iter()
            .map(|item| PackageLimits {
                name: &item.name,
                version_constraint: item.version_constraint.as_deref(),
                expiration_date: item.expiration_date,
                minimum_accessible_stability: item.minimum_accessible_stability.as_deref(),
            })
            .collect();
        let granted = customers::add_or_edit_packages(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("customerId", &customer_id)?,
            &items,
        )
        .await?;
        Ok(granted
            .into_iter()
            .map(|(grant, package)| CustomerPackageView {
                grant,
                package,
                versions: Vec::new(),
            })
            .collect())
    }

    async fn remove_customer_package(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        package_name: String,
    ) -> Result<CustomerView> {
        let state = state(ctx);
        let customer = customers::remove_package(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("customerId", &customer_id)?,
            &package_name,
        )
        .await?;
        Ok(CustomerView(customer))
    }

    /// Gives the customer a vendor bundle, or changes its expiry.
    async fn add_or_edit_customer_vendor_bundle(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        vendor_bundle_id: ID,
        expiration_date: Option<DateTime<Utc>>,
    ) -> Result<CustomerVendorBundleView> {
        let state = state(ctx);
        let (grant, bundle) = customers::add_or_edit_vendor_bundle(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("customerId", &customer_id)?,
            parse_id("vendorBundleId", &vendor_bundle_id)?,
            expiration_date,
        )
        .await?;
        Ok(CustomerVendorBundleView { grant, bundle })
    }

    async fn remove_customer_vendor_bundle(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        vendor_bundle_id: ID,
    ) -> Result<CustomerView> {
        let state = state(ctx);
        let customer = customers::remove_vendor_bundle(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("customerId", &customer_id)?,
            parse_id("vendorBundleId", &vendor_bundle_id)?,
        )
        .await?;
        Ok(CustomerView(customer))
    }

    /// A key pair for Magento 1 style installs: the public key is the HTTP Basic
    /// username, the private key the password.
    async fn create_magento_legacy_key(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        public_key: String,
        private_key: String,
    ) -> Result<MagentoLegacyKeyView> {
        let state = state(ctx);
        let key = customers::create_magento_legacy_key(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("customerId", &customer_id)?,
            &public_key,
            &private_key,
        )
        .await?;
        Ok(MagentoLegacyKeyView(key))
    }

    async fn remove_magento_legacy_key(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        public_key: String,
    ) -> Result<CustomerView> {
        let state = state(ctx);
        let customer = customers::remove_magento_legacy_key(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("customerId", &customer_id)?,
            &public_key,
        )
        .await?;
        Ok(CustomerView(customer))
    }
}
