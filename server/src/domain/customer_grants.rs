//! What a vendor's customer may install: their effective grants, per package, as the
//! customer's Composer repository filters with them (`composer::customer_filter`).
//!
//! Where grants come from:
//!
//! * Each `customer_packages` row grants its package with its own limits (version
//!   constraint, minimum stability, expiration date; each may be absent).
//! * `customers.assign_all_packages` grants every *other* named package of the
//!   customer's organization (one without a row of its own), current and future, with no
//!   limits: a direct row keeps its limits.
//! * Each `customer_vendor_bundles` row (bundle B, expiration E) grants each package of
//!   B (`vendor_bundle_packages`) with the row's constraint and stability, or B's where
//!   the row has none, and expiration E. When `B.assign_all_packages`, every other
//!   package of the organization comes with B's defaults and E.
//! * The customer's own `minimum_accessible_stability` is a floor over all of them
//!   ([`floor`]): no grant can reach below it.
//!
//! Several grants of one package are a union: a version is served when any of them
//! admits it (a lapsed bundle does not take away what a direct grant gives).
//!
//! Writes validate constraints and stabilities, so an unreadable stored one means a bug
//! or a hand-edited row: that one grant is skipped, with a warning, rather than failing
//! the customer's whole repository or, worse, being read as "no limit".

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::composer::customer_filter::{Limits, admits};
use crate::composer::version::{Constraint, Stability, compare};
use crate::db::DbConn;
use crate::db::rows::{Customer, PackageVersion, VendorBundle};
use crate::db::schema::{
    customer_packages, customer_vendor_bundles, package_versions, packages, vendor_bundle_packages,
    vendor_bundles,
};
use crate::db_run;
use crate::error::Result;

/// The grants of one package.
#[derive(Debug, Clone)]
pub struct CustomerPackageGrant {
    pub package_id: i64,
    /// At least one; a version is served when any admits it.
    pub limits: Vec<Limits>,
}

/// The customer's floor over every grant.
pub fn floor(customer: &Customer) -> Option<Stability> {
    let text = customer.minimum_accessible_stability.as_deref()?;
    match text.parse() {
        Ok(stability) => Some(stability),
        Err(error) => {
            // Unreadable: the strictest reading, rather than none at all.
            tracing::warn!(customer_id = customer.id, %error, "stored minimum stability of customer");
            Some(Stability::Stable)
        }
    }
}

/// Every package the customer may install, by name, with the grants behind it. Four
/// queries, whatever the number of packages.
pub async fn load(
    conn: &mut DbConn,
    customer: &Customer,
) -> Result<BTreeMap<String, CustomerPackageGrant>> {
    let customer_id = customer.id;
    let organization_id = customer.organization_id;
    type Direct = (
        i64,
        Option<String>,
        Option<String>,
        Option<NaiveDateTime>,
        Option<String>,
    );
    let direct: Vec<Direct> = db_run!(conn: {
        customer_packages::table
            .inner_join(packages::table)
            .filter(customer_packages::customer_id.eq(customer_id))
            .filter(packages::organization_id.eq(organization_id))
            .select((
                packages::id,
                packages::name,
                customer_packages::version_constraint,
                customer_packages::expiration_date,
                customer_packages::minimum_accessible_stability,
            ))
            .load(conn)
            .await?
    });
    let bundles: Vec<(VendorBundle, Option<NaiveDateTime>)> = db_run!(conn: {
        customer_vendor_bundles::table
            .inner_join(vendor_bundles::table)
            .filter(customer_vendor_bundles::customer_id.eq(customer_id))
            .filter(vendor_bundles::organization_id.eq(organization_id))
            .select((VendorBundle::as_select(), customer_vendor_bundles::expiration_date))
            .load(conn)
            .await?
    });
    let bundle_ids: Vec<i64> = bundles.iter().map(|(bundle, _)| bundle.id).collect();
    type BundlePackage = (i64, i64, Option<String>, Option<String>, Option<String>);
    let bundle_packages: Vec<BundlePackage> = if bundle_ids.is_empty() {
        Vec::new()
    } else {
        db_run!(conn: {
            vendor_bundle_packages::table
                .inner_join(packages::table)
                .filter(vendor_bundle_packages::vendor_bundle_id.eq_any(&bundle_ids))
                .filter(packages::organization_id.eq(organization_id))
                .select((
                    vendor_bundle_packages::vendor_bundle_id,
                    packages::id,
                    packages::name,
                    vendor_bundle_packages::version_constraint,
                    vendor_bundle_packages::minimum_accessible_stability,
                ))
                .load(conn)
                .await?
        })
    };
    let wants_all = customer.assign_all_packages
        || bundles.iter().any(|(bundle, _)| bundle.assign_all_packages);
    let all_packages: Vec<(i64, Option<String>)> = if wants_all {
        db_run!(conn: {
            packages::table
                .filter(packages::organization_id.eq(organization_id))
                .select((packages::id, packages::name))
                .load(conn)
                .await?
        })
    } else {
        Vec::new()
    };

    let mut grants = Grants {
        customer_id,
        by_name: BTreeMap::new(),
    };
    for (package_id, name, constraint, expiration, stability) in direct {
        let Some(name) = name else { continue };
        grants.add(
            &name,
            package_id,
            constraint.as_deref(),
            stability.as_deref(),
            expiration,
        );
    }
    if customer.assign_all_packages {
        let direct_ids: std::collections::HashSet<i64> = grants
            .by_name
            .values()
            .map(|grant| grant.package_id)
            .collect();
        for (package_id, name) in &all_packages {
            if let Some(name) = name
                && !direct_ids.contains(package_id)
            {
                grants.add(name, *package_id, None, None, None);
            }
        }
    }
    let mut listed_in: HashMap<i64, std::collections::HashSet<i64>> = HashMap::new();
    let bundle_by_id: HashMap<i64, &(VendorBundle, Option<NaiveDateTime>)> =
        bundles.iter().map(|entry| (entry.0.id, entry)).collect();
    for (bundle_id, package_id, name, constraint, stability) in bundle_packages {
        listed_in.entry(bundle_id).or_default().insert(package_id);
        let (Some(name), Some((bundle, expiration))) = (name, bundle_by_id.get(&bundle_id)) else {
            continue;
        };
        grants.add(
            &name,
            package_id,
            constraint
                .as_deref()
                .or(bundle.version_constraint.as_deref()),
            stability
                .as_deref()
                .or(bundle.minimum_accessible_stability.as_deref()),
            *expiration,
        );
    }
    for (bundle, expiration) in bundles
        .iter()
        .filter(|(bundle, _)| bundle.assign_all_packages)
    {
        let listed = listed_in.get(&bundle.id);
        for (package_id, name) in &all_packages {
            if let Some(name) = name
                && !listed.is_some_and(|listed| listed.contains(package_id))
            {
                grants.add(
                    name,
                    *package_id,
                    bundle.version_constraint.as_deref(),
                    bundle.minimum_accessible_stability.as_deref(),
                    *expiration,
                );
            }
        }
    }
    Ok(grants.by_name)
}

struct Grants {
    customer_id: i64,
    by_name: BTreeMap<String, CustomerPackageGrant>,
}

impl Grants {
    fn add(
        &mut self,
        name: &str,
        package_id: i64,
        constraint: Option<&str>,
        stability: Option<&str>,
        expiration: Option<NaiveDateTime>,
    ) {
        let Some(limits) = self.limits(name, constraint, stability, expiration) else {
            return;
        };
        self.by_name
            .entry(name.to_owned())
            .or_insert_with(|| CustomerPackageGrant {
                package_id,
                limits: Vec::new(),
            })
            .limits
            .push(limits);
    }

    fn limits(
        &self,
        name: &str,
        constraint: Option<&str>,
        stability: Option<&str>,
        expiration: Option<NaiveDateTime>,
    ) -> Option<Limits> {
        let constraint = match constraint.map(str::trim).filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => match Constraint::parse(text) {
                Ok(parsed) => Some(parsed),
                Err(error) => {
                    tracing::warn!(customer_id = self.customer_id, package = name, %error, "grant skipped: stored version constraint");
                    return None;
                }
            },
        };
        let minimum_stability = match stability {
            None => None,
            Some(text) => match text.parse() {
                Ok(parsed) => Some(parsed),
                Err(error) => {
                    tracing::warn!(customer_id = self.customer_id, package = name, %error, "grant skipped: stored minimum stability");
                    return None;
                }
            },
        };
        Some(Limits {
            constraint,
            minimum_stability,
            expiration,
        })
    }
}

/// The versions of each granted package the customer may install, newest first, as their
/// repository serves them: admitted by a grant and, without access to the version
/// control source, only those with a dist to install from.
pub async fn installable_versions(
    conn: &mut DbConn,
    customer: &Customer,
    package_ids: &[i64],
) -> Result<HashMap<i64, Vec<PackageVersion>>> {
    let grants = load(conn, customer).await?;
    let floor = floor(customer);
    let limits_by_package: HashMap<i64, &[Limits]> = grants
        .values()
        .map(|grant| (grant.package_id, grant.limits.as_slice()))
        .collect();
    let wanted: Vec<i64> = package_ids
        .iter()
        .copied()
        .filter(|id| limits_by_package.contains_key(id))
        .collect();
    let rows: Vec<PackageVersion> = db_run!(conn: {
        package_versions::table
            .filter(package_versions::package_id.eq_any(&wanted))
            .select(PackageVersion::as_select())
            .load(conn)
            .await?
    });
    let mut installable: HashMap<i64, Vec<PackageVersion>> = HashMap::new();
    for row in rows {
        let Ok(serde_json::Value::Object(version)) = serde_json::from_str(&row.data) else {
            continue;
        };
        let limits = limits_by_package
            .get(&row.package_id)
            .copied()
            .unwrap_or(&[]);
        let installable_without_source =
            customer.access_to_version_control_source || version.contains_key("dist");
        if installable_without_source && admits(limits, floor, &version) {
            installable.entry(row.package_id).or_default().push(row);
        }
    }
    for versions in installable.values_mut() {
        versions.sort_by(|a, b| compare(&b.version_normalized, &a.version_normalized));
    }
    Ok(installable)
}
