//! Vendor bundles: a named set of packages, each with version limits (or the bundle's
//! own as defaults), that customers are given as a whole, each with its own expiry.
//! Who may view and manage customers may view and manage bundles.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::db::rows::{NewVendorBundle, Package, VendorBundle, VendorBundlePackage};
use crate::db::schema::{
    packages, synchronizations, vendor_bundle_packages, vendor_bundle_synchronizations,
    vendor_bundles,
};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access};
use crate::domain::customers::{
    self, package_by_name_or_id, require_manage, require_view, validate_constraint, validate_name,
    validate_stability,
};
use crate::error::{Error, Result};
use crate::jobs::Jobs;

pub struct BundleInput<'a> {
    pub name: &'a str,
    pub minimum_accessible_stability: Option<&'a str>,
    pub version_constraint: Option<&'a str>,
    pub assign_all_packages: bool,
    /// Synchronizations whose newly found packages join the bundle.
    pub synchronization_ids: &'a [i64],
}

/// A change; `None` keeps the current value, `Some(None)` clears a limit.
#[derive(Default)]
pub struct BundleChanges<'a> {
    pub name: Option<&'a str>,
    pub minimum_accessible_stability: Option<Option<&'a str>>,
    pub version_constraint: Option<Option<&'a str>>,
    pub assign_all_packages: Option<bool>,
    pub synchronization_ids: Option<&'a [i64]>,
}

/// A package of the bundle and its limits (`None` takes the bundle's).
pub struct BundlePackageLimits<'a> {
    pub name: &'a str,
    pub version_constraint: Option<&'a str>,
    pub minimum_accessible_stability: Option<&'a str>,
}

/// Links the bundle to these synchronizations (of its organization) instead of those it
/// had: packages they find from now on join the bundle.
async fn link_synchronizations(
    conn: &mut DbConn,
    organization_id: i64,
    vendor_bundle_id: i64,
    ids: &[i64],
) -> Result<()> {
    for &id in ids {
        let known: i64 = db_run!(conn: {
            synchronizations::table
                .filter(synchronizations::id.eq(id))
                .filter(synchronizations::organization_id.eq(organization_id))
                .count()
                .get_result(conn)
                .await?
        });
        if known == 0 {
            return Err(Error::invalid(
                "synchronizationIds",
                format!("no synchronization with id {id} in this organization"),
            ));
        }
    }
    db_run!(conn: {
        diesel::delete(
            vendor_bundle_synchronizations::table
                .filter(vendor_bundle_synchronizations::vendor_bundle_id.eq(vendor_bundle_id)),
        )
        .execute(conn)
        .await?;
        for &id in ids {
            diesel::insert_into(vendor_bundle_synchronizations::table)
                .values((
                    vendor_bundle_synchronizations::vendor_bundle_id.eq(vendor_bundle_id),
                    vendor_bundle_synchronizations::synchronization_id.eq(id),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
    });
    Ok(())
}

/// The synchronizations whose new packages join the bundle.
pub async fn synchronization_ids(conn: &mut DbConn, vendor_bundle_id: i64) -> Result<Vec<i64>> {
    Ok(db_run!(conn: {
        vendor_bundle_synchronizations::table
            .filter(vendor_bundle_synchronizations::vendor_bundle_id.eq(vendor_bundle_id))
            .order(vendor_bundle_synchronizations::synchronization_id)
            .select(vendor_bundle_synchronizations::synchronization_id)
            .load(conn)
            .await?
    }))
}

/// A package a synchronization just added joins the bundles linked to it, with the
/// bundles' own limits.
pub async fn add_synchronized_package(
    conn: &mut DbConn,
    synchronization_id: i64,
    package_id: i64,
) -> Result<Vec<i64>> {
    let bundle_ids: Vec<i64> = db_run!(conn: {
        vendor_bundle_synchronizations::table
            .filter(vendor_bundle_synchronizations::synchronization_id.eq(synchronization_id))
            .select(vendor_bundle_synchronizations::vendor_bundle_id)
            .load(conn)
            .await?
    });
    for &bundle_id in &bundle_ids {
        let row = VendorBundlePackage {
            vendor_bundle_id: bundle_id,
            package_id,
            version_constraint: None,
            minimum_accessible_stability: None,
            created_at: db::now(),
        };
        db_run!(conn: {
            diesel::insert_into(vendor_bundle_packages::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        });
        customers::touch_bundle_customers(conn, bundle_id).await?;
    }
    Ok(bundle_ids)
}

async fn bundle_and_access(
    conn: &mut DbConn,
    actor: &Actor,
    vendor_bundle_id: i64,
) -> Result<(VendorBundle, Access)> {
    let bundle: VendorBundle = db_run!(conn: {
        vendor_bundles::table
            .find(vendor_bundle_id)
            .select(VendorBundle::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("vendor bundle"))?;
    let scope =
        access::resolve_owner_of(conn, actor, bundle.organization_id, "vendor bundle").await?;
    require_view(&scope).map_err(|_| Error::NotFound("vendor bundle"))?;
    Ok((bundle, scope))
}

async fn managed_bundle(
    conn: &mut DbConn,
    actor: &Actor,
    vendor_bundle_id: i64,
) -> Result<VendorBundle> {
    let (bundle, scope) = bundle_and_access(conn, actor, vendor_bundle_id).await?;
    require_manage(&scope)?;
    Ok(bundle)
}

async fn ensure_name_free(
    conn: &mut DbConn,
    organization_id: i64,
    name: &str,
    except_id: Option<i64>,
) -> Result<()> {
    let taken: i64 = db_run!(conn: {
        vendor_bundles::table
            .filter(vendor_bundles::organization_id.eq(organization_id))
            .filter(vendor_bundles::name.eq(name))
            .filter(vendor_bundles::id.ne(except_id.unwrap_or(0)))
            .count()
            .get_result(conn)
            .await?
    });
    if taken > 0 {
        return Err(Error::conflict(
            "name",
            "a vendor bundle with this name exists",
        ));
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    organization: &str,
    input: BundleInput<'_>,
) -> Result<VendorBundle> {
    let name = validate_name(input.name)?;
    let stability = validate_stability(
        "minimumAccessibleStability",
        input.minimum_accessible_stability,
    )?;
    let constraint = validate_constraint("versionConstraint", input.version_constraint)?;
    db.transaction(async |conn| {
        let scope = access::resolve(conn, actor, organization, None).await?;
        if scope.is_suborganization() {
            return Err(Error::NotFound("organization"));
        }
        require_manage(&scope)?;
        ensure_name_free(conn, scope.organization.id, name, None).await?;
        let row = NewVendorBundle {
            organization_id: scope.organization.id,
            name,
            version_constraint: constraint.as_deref(),
            minimum_accessible_stability: stability.as_deref(),
            assign_all_packages: input.assign_all_packages,
            created_at: db::now(),
        };
        let bundle: VendorBundle = db_run!(conn: {
            diesel::insert_into(vendor_bundles::table)
                .values(&row)
                .returning(VendorBundle::as_returning())
                .get_result(conn)
                .await?
        });
        link_synchronizations(
            conn,
            scope.organization.id,
            bundle.id,
            input.synchronization_ids,
        )
        .await?;
        Ok(bundle)
    })
    .await
}

/// The bundles of the organization, by name.
pub async fn list(conn: &mut DbConn, scope: &Access) -> Result<Vec<VendorBundle>> {
    require_view(scope)?;
    let organization_id = scope.root.id;
    Ok(db_run!(conn: {
        vendor_bundles::table
            .filter(vendor_bundles::organization_id.eq(organization_id))
            .order(vendor_bundles::name.asc())
            .select(VendorBundle::as_select())
            .load(conn)
            .await?
    }))
}

pub async fn find(
    conn: &mut DbConn,
    scope: &Access,
    vendor_bundle_id: i64,
) -> Result<VendorBundle> {
    require_view(scope).map_err(|error| match error {
        Error::Forbidden(_) => Error::NotFound("vendor bundle"),
        other => other,
    })?;
    let organization_id = scope.root.id;
    db_run!(conn: {
        vendor_bundles::table
            .filter(vendor_bundles::id.eq(vendor_bundle_id))
            .filter(vendor_bundles::organization_id.eq(organization_id))
            .select(VendorBundle::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("vendor bundle"))
}

pub async fn edit(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    vendor_bundle_id: i64,
    changes: BundleChanges<'_>,
) -> Result<VendorBundle> {
    let name = changes.name.map(validate_name).transpose()?;
    let stability = changes
        .minimum_accessible_stability
        .map(|s| validate_stability("minimumAccessibleStability", s))
        .transpose()?;
    let constraint = changes
        .version_constraint
        .map(|c| validate_constraint("versionConstraint", c))
        .transpose()?;
    let bundle = db
        .transaction(async |conn| {
            let bundle = managed_bundle(conn, actor, vendor_bundle_id).await?;
            if let Some(name) = name {
                ensure_name_free(conn, bundle.organization_id, name, Some(bundle.id)).await?;
            }
            let name = name.unwrap_or(&bundle.name).to_owned();
            let stability = stability.unwrap_or(bundle.minimum_accessible_stability.clone());
            let constraint = constraint.unwrap_or(bundle.version_constraint.clone());
            let assign_all = changes
                .assign_all_packages
                .unwrap_or(bundle.assign_all_packages);
            let bundle = db_run!(conn: {
                diesel::update(vendor_bundles::table.find(bundle.id))
                    .set((
                        vendor_bundles::name.eq(&name),
                        vendor_bundles::minimum_accessible_stability.eq(&stability),
                        vendor_bundles::version_constraint.eq(&constraint),
                        vendor_bundles::assign_all_packages.eq(assign_all),
                    ))
                    .returning(VendorBundle::as_returning())
                    .get_result(conn)
                    .await?
            });
            if let Some(ids) = changes.synchronization_ids {
                link_synchronizations(conn, bundle.organization_id, bundle.id, ids).await?;
            }
            customers::touch_bundle_customers(conn, bundle.id).await?;
            Ok(bundle)
        })
        .await?;
    customers::changed(db, jobs_handle, bundle.organization_id).await?;
    Ok(bundle)
}

/// Removes the bundle; its customers lose what only the bundle gave them.
pub async fn remove(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    vendor_bundle_id: i64,
) -> Result<()> {
    let organization_id = db
        .transaction(async |conn| {
            let bundle = managed_bundle(conn, actor, vendor_bundle_id).await?;
            customers::touch_bundle_customers(conn, bundle.id).await?;
            db_run!(conn: {
                diesel::delete(vendor_bundles::table.find(bundle.id)).execute(conn).await?;
            });
            Ok(bundle.organization_id)
        })
        .await?;
    customers::changed(db, jobs_handle, organization_id).await
}

/// Adds packages to the bundle, or changes the limits of those in it.
pub async fn add_or_edit_packages(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    vendor_bundle_id: i64,
    items: &[BundlePackageLimits<'_>],
) -> Result<Vec<(VendorBundlePackage, Package)>> {
    if items.is_empty() {
        return Err(Error::invalid("packages", "name at least one package"));
    }
    let mut validated = Vec::with_capacity(items.len());
    for item in items {
        validated.push((
            item.name,
            validate_constraint("versionConstraint", item.version_constraint)?,
            validate_stability(
                "minimumAccessibleStability",
                item.minimum_accessible_stability,
            )?,
        ));
    }
    let (added, organization_id) = db
        .transaction(async |conn| {
            let bundle = managed_bundle(conn, actor, vendor_bundle_id).await?;
            let mut added = Vec::with_capacity(validated.len());
            for (name, constraint, stability) in &validated {
                let package = package_by_name_or_id(conn, bundle.organization_id, name).await?;
                let row = VendorBundlePackage {
                    vendor_bundle_id: bundle.id,
                    package_id: package.id,
                    version_constraint: constraint.clone(),
                    minimum_accessible_stability: stability.clone(),
                    created_at: db::now(),
                };
                let stored = db_run!(conn: {
                    diesel::insert_into(vendor_bundle_packages::table)
                        .values(&row)
                        .on_conflict((vendor_bundle_packages::vendor_bundle_id, vendor_bundle_packages::package_id))
                        .do_update()
                        .set((
                            vendor_bundle_packages::version_constraint.eq(&row.version_constraint),
                            vendor_bundle_packages::minimum_accessible_stability
                                .eq(&row.minimum_accessible_stability),
                        ))
                        .returning(VendorBundlePackage::as_returning())
                        .get_result(conn)
                        .await?
                });
                added.push((stored, package));
            }
            customers::touch_bundle_customers(conn, bundle.id).await?;
            Ok((added, bundle.organization_id))
        })
        .await?;
    customers::changed(db, jobs_handle, organization_id).await?;
    Ok(added)
}

pub async fn remove_package(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    vendor_bundle_id: i64,
    package: &str,
) -> Result<VendorBundle> {
    let bundle = db
        .transaction(async |conn| {
            let bundle = managed_bundle(conn, actor, vendor_bundle_id).await?;
            let package = package_by_name_or_id(conn, bundle.organization_id, package).await?;
            let removed = db_run!(conn: {
                diesel::delete(
                    vendor_bundle_packages::table
                        .filter(vendor_bundle_packages::vendor_bundle_id.eq(bundle.id))
                        .filter(vendor_bundle_packages::package_id.eq(package.id)),
                )
                .execute(conn)
                .await?
            });
            if removed == 0 {
                return Err(Error::invalid(
                    "packageName",
                    "this package is not in the vendor bundle",
                ));
            }
            customers::touch_bundle_customers(conn, bundle.id).await?;
            Ok(bundle)
        })
        .await?;
    customers::changed(db, jobs_handle, bundle.organization_id).await?;
    Ok(bundle)
}

/// The packages listed in the bundle, by name.
pub async fn packages(
    conn: &mut DbConn,
    bundle: &VendorBundle,
) -> Result<Vec<(VendorBundlePackage, Package)>> {
    let bundle_id = bundle.id;
    Ok(db_run!(conn: {
        vendor_bundle_packages::table
            .inner_join(packages::table)
            .filter(vendor_bundle_packages::vendor_bundle_id.eq(bundle_id))
            .order(packages::name.asc())
            .select((VendorBundlePackage::as_select(), Package::as_select()))
            .load(conn)
            .await?
    }))
}
