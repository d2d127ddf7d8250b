use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

use super::packages::PackageView;
use super::{actor, change_of, parse_id, state};
use crate::db::rows;
use crate::domain::vendor_bundles::{self, BundleChanges, BundleInput, BundlePackageLimits};

pub struct VendorBundleView(pub rows::VendorBundle);

#[Object(name = "VendorBundle")]
impl VendorBundleView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The constraint of packages in the bundle that set none of their own.
    async fn version_constraint(&self) -> Option<&str> {
        self.0.version_constraint.as_deref()
    }

    /// The stability floor of packages in the bundle that set none of their own.
    async fn minimum_accessible_stability(&self) -> Option<&str> {
        self.0.minimum_accessible_stability.as_deref()
    }

    /// Every current and future package of the organization, with the bundle's limits.
    async fn assign_all_packages(&self) -> bool {
        self.0.assign_all_packages
    }

    /// Synchronizations whose newly found packages join the bundle.
    async fn synchronization_ids(&self, ctx: &Context<'_>) -> Result<Vec<ID>> {
        let mut conn = state(ctx).db.get().await?;
        let ids = vendor_bundles::synchronization_ids(&mut conn, self.0.id).await?;
        Ok(ids.into_iter().map(|id| ID(id.to_string())).collect())
    }

    /// The packages listed in the bundle, with their limits.
    async fn packages(&self, ctx: &Context<'_>) -> Result<Vec<VendorBundlePackageView>> {
        let mut conn = state(ctx).db.get().await?;
        let found = vendor_bundles::packages(&mut conn, &self.0).await?;
        Ok(found
            .into_iter()
            .map(|(entry, package)| VendorBundlePackageView { entry, package })
            .collect())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }
}

pub struct VendorBundlePackageView {
    pub entry: rows::VendorBundlePackage,
    pub package: rows::Package,
}

#[Object(name = "VendorBundlePackage")]
impl VendorBundlePackageView {
    async fn package(&self) -> PackageView {
        PackageView(self.package.clone())
    }

    async fn name(&self) -> Option<&str> {
        self.package.name.as_deref()
    }

    /// This package's own constraint; none takes the bundle's.
    async fn version_constraint(&self) -> Option<&str> {
        self.entry.version_constraint.as_deref()
    }

    async fn minimum_accessible_stability(&self) -> Option<&str> {
        self.entry.minimum_accessible_stability.as_deref()
    }
}

/// A package of a bundle; limits left out take the bundle's.
#[derive(InputObject)]
pub struct VendorBundlePackageInput {
    /// `vendor/name` (or the package id).
    pub name: String,
    pub version_constraint: Option<String>,
    pub minimum_accessible_stability: Option<String>,
}

fn parse_ids(ids: &[ID]) -> Result<Vec<i64>> {
    Ok(ids
        .iter()
        .map(|id| parse_id("synchronizationIds", id))
        .collect::<std::result::Result<_, _>>()?)
}

#[derive(Default)]
pub struct VendorBundleMutation;

#[Object]
impl VendorBundleMutation {
    /// Creates a vendor bundle. Needs the permission to manage vendor customers.
    #[allow(clippy::too_many_arguments)]
    async fn create_vendor_bundle(
        &self,
        ctx: &Context<'_>,
        organization: String,
        name: String,
        minimum_accessible_stability: Option<String>,
        version_constraint: Option<String>,
        #[graphql(default = false)] assign_all_packages: bool,
        #[graphql(default)] synchronization_ids: Vec<ID>,
    ) -> Result<VendorBundleView> {
        let synchronization_ids = parse_ids(&synchronization_ids)?;
        let input = BundleInput {
            name: &name,
            minimum_accessible_stability: minimum_accessible_stability.as_deref(),
            version_constraint: version_constraint.as_deref(),
            assign_all_packages,
            synchronization_ids: &synchronization_ids,
        };
        let bundle =
            vendor_bundles::create(&state(ctx).db, actor(ctx), &organization, input).await?;
        Ok(VendorBundleView(bundle))
    }

    /// Changes the settings given; the others stay. `null` clears a limit.
    #[allow(clippy::too_many_arguments)]
    async fn edit_vendor_bundle(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: Option<String>,
        minimum_accessible_stability: MaybeUndefined<String>,
        version_constraint: MaybeUndefined<String>,
        assign_all_packages: Option<bool>,
        synchronization_ids: Option<Vec<ID>>,
    ) -> Result<VendorBundleView> {
        let state = state(ctx);
        let synchronization_ids = synchronization_ids.as_deref().map(parse_ids).transpose()?;
        let changes = BundleChanges {
            name: name.as_deref(),
            minimum_accessible_stability: change_of(&minimum_accessible_stability),
            version_constraint: change_of(&version_constraint),
            assign_all_packages,
            synchronization_ids: synchronization_ids.as_deref(),
        };
        let bundle = vendor_bundles::edit(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("id", &id)?,
            changes,
        )
        .await?;
        Ok(VendorBundleView(bundle))
    }

    /// Removes the bundle; its customers lose what only the bundle gave them. Returns
    /// its id.
    async fn remove_vendor_bundle(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let state = state(ctx);
        vendor_bundles::remove(&state.db, &state.jobs, actor(ctx), parse_id("id", &id)?).await?;
        Ok(id)
    }

    /// Adds packages to the bundle, or replaces the limits of those in it.
    async fn add_or_edit_vendor_bundle_packages(
        &self,
        ctx: &Context<'_>,
        vendor_bundle_id: ID,
        packages: Vec<VendorBundlePackageInput>,
    ) -> Result<Vec<VendorBundlePackageView>> {
        let state = state(ctx);
        let items: Vec<BundlePackageLimits<'_>> = packages
            .iter()
            .map(|item| BundlePackageLimits {
                name: &item.name,
                version_constraint: item.version_constraint.as_deref(),
                minimum_accessible_stability: item.minimum_accessible_stability.as_deref(),
            })
            .collect();
        let added = vendor_bundles::add_or_edit_packages(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("vendorBundleId", &vendor_bundle_id)?,
            &items,
        )
        .await?;
        Ok(added
            .into_iter()
            .map(|(entry, package)| VendorBundlePackageView { entry, package })
            .collect())
    }

    async fn remove_vendor_bundle_package(
        &self,
        ctx: &Context<'_>,
        vendor_bundle_id: ID,
        package_name: String,
    ) -> Result<VendorBundleView> {
        let state = state(ctx);
        let bundle = vendor_bundles::remove_package(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("vendorBundleId", &vendor_bundle_id)?,
            &package_name,
        )
        .await?;
        Ok(VendorBundleView(bundle))
    }
}
