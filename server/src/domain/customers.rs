//! Vendor customers: each has its own Composer repository (`/<org>/customers/<urlName>/`)
//! and token, and sees the packages granted to it directly or through vendor bundles,
//! each within its limits (see `domain::customer_grants` for how the limits combine).
//!
//! Members whose team may view vendor customers see them; those who may manage them (and
//! owners) change them. Whoever may not view customers is told they do not exist.
//!
//! Every change of what a customer sees moves its `access_changed_at`, which is part of
//! the `Last-Modified` of its metadata, and drops the organization's cached documents on
//! every replica, so that the customer's next request (even a revalidation) sees it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::{Actor, secret};
use crate::composer::access_cache::Invalidation;
use crate::composer::version::{Constraint, Stability};
use crate::db::rows::{
    Customer, CustomerPackage, CustomerVendorBundle, MagentoLegacyKey, NewCustomer,
    NewMagentoLegacyKey, Package, VendorBundle,
};
use crate::db::schema::{
    customer_packages, customer_vendor_bundles, customers, magento_legacy_keys, packages,
    vendor_bundles,
};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access, Permission};
use crate::domain::organizations::{slugify, validate_url_name};
use crate::domain::pagination::{Page, PageRequest};
use crate::error::{Error, Result};
use crate::jobs::Jobs;

/// Customer tokens start with this, so that they are told apart from organization and
/// personal tokens (and found by secret scanners).
pub const SECRET_KIND: &str = "pyc";

pub struct CreatedCustomer {
    pub customer: Customer,
    /// Shown once.
    pub token: String,
}

/// The settings of a new customer.
pub struct NewCustomerInput<'a> {
    pub name: &'a str,
    pub url_name: Option<&'a str>,
    pub access_to_version_control_source: bool,
    pub minimum_accessible_stability: Option<&'a str>,
    pub assign_all_packages: bool,
}

/// A change of settings; `None` keeps the current value.
#[derive(Default)]
pub struct CustomerChanges<'a> {
    pub name: Option<&'a str>,
    pub url_name: Option<&'a str>,
    pub access_to_version_control_source: Option<bool>,
    /// `Some(None)` removes the floor.
    pub minimum_accessible_stability: Option<Option<&'a str>>,
    pub assign_all_packages: Option<bool>,
}

/// A package to grant, and its limits.
pub struct PackageLimits<'a> {
    pub name: &'a str,
    pub version_constraint: Option<&'a str>,
    pub expiration_date: Option<DateTime<Utc>>,
    pub minimum_accessible_stability: Option<&'a str>,
}

pub fn validate_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "use 1 to 100 characters"));
    }
    Ok(name)
}

/// A stability name as stored (`dev`, `alpha`, `beta`, `rc`, `stable`).
pub fn validate_stability(field: &'static str, stability: Option<&str>) -> Result<Option<String>> {
    stability
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Stability>()
                .map(|parsed| parsed.as_str().to_owned())
                .map_err(|_| Error::invalid(field, "use one of dev, alpha, beta, RC or stable"))
        })
        .transpose()
}

/// A version constraint as Composer would read it, or the parser's complaint.
pub fn validate_constraint(
    field: &'static str,
    constraint: Option<&str>,
) -> Result<Option<String>> {
    constraint
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            Constraint::parse(c)
                .map(|_| c.to_owned())
                .map_err(|error| Error::invalid(field, error.to_string()))
        })
        .transpose()
}

/// Seeing customers: their managers may too.
pub fn require_view(scope: &Access) -> Result<()> {
    scope.require_user()?;
    if scope.has(Permission::ViewVendorCustomers) {
        return Ok(());
    }
    scope.require(Permission::ManageVendorCustomers)
}

pub fn require_manage(scope: &Access) -> Result<()> {
    scope.require_user()?;
    scope.require(Permission::ManageVendorCustomers)
}

/// The organization's vendor scope. Customers belong to the top-level organization.
async fn organization_scope(
    conn: &mut DbConn,
    actor: &Actor,
    organization: &str,
) -> Result<Access> {
    let scope = access::resolve(conn, actor, organization, None).await?;
    if scope.is_suborganization() {
        return Err(Error::NotFound("organization"));
    }
    Ok(scope)
}

/// The customer and the actor's access to its organization. Those who may not view
/// customers get `NOT_FOUND`, as for a customer that does not exist.
pub async fn customer_and_access(
    conn: &mut DbConn,
    actor: &Actor,
    customer_id: i64,
) -> Result<(Customer, Access)> {
    let customer: Customer = db_run!(conn: {
        customers::table
            .find(customer_id)
            .select(Customer::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("customer"))?;
    let scope = access::resolve_owner_of(conn, actor, customer.organization_id, "customer").await?;
    require_view(&scope).map_err(|_| Error::NotFound("customer"))?;
    Ok((customer, scope))
}

/// As [`customer_and_access`], for a change: viewers who may not manage get `FORBIDDEN`.
async fn managed_customer(
    conn: &mut DbConn,
    actor: &Actor,
    customer_id: i64,
) -> Result<(Customer, Access)> {
    let (customer, scope) = customer_and_access(conn, actor, customer_id).await?;
    require_manage(&scope)?;
    Ok((customer, scope))
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    organization: &str,
    input: NewCustomerInput<'_>,
) -> Result<CreatedCustomer> {
    let name = validate_name(input.name)?;
    let url_name = match input.url_name.map(str::trim).filter(|u| !u.is_empty()) {
        Some(given) => given.to_owned(),
        None => slugify(name),
    };
    validate_url_name(&url_name)?;
    let stability = validate_stability(
        "minimumAccessibleStability",
        input.minimum_accessible_stability,
    )?;
    let token = secret::generate(SECRET_KIND);
    let customer = db
        .transaction(async |conn| {
            let scope = organization_scope(conn, actor, organization).await?;
            require_manage(&scope)?;
            ensure_url_name_free(conn, scope.organization.id, &url_name, None).await?;
            let now = db::now();
            let row = NewCustomer {
                organization_id: scope.organization.id,
                name,
                url_name: &url_name,
                enabled: true,
                access_to_version_control_source: input.access_to_version_control_source,
                minimum_accessible_stability: stability.as_deref(),
                assign_all_packages: input.assign_all_packages,
                token_prefix: &secret::visible_prefix(&token),
                token_hash: &secret::hash(&token),
                access_changed_at: now,
                created_at: now,
            };
            Ok(db_run!(conn: {
                diesel::insert_into(customers::table)
                    .values(&row)
                    .returning(Customer::as_returning())
                    .get_result(conn)
                    .await?
            }))
        })
        .await?;
    Ok(CreatedCustomer { customer, token })
}

async fn ensure_url_name_free(
    conn: &mut DbConn,
    organization_id: i64,
    url_name: &str,
    except_id: Option<i64>,
) -> Result<()> {
    let taken: i64 = db_run!(conn: {
        customers::table
            .filter(customers::organization_id.eq(organization_id))
            .filter(customers::url_name.eq(url_name))
            .filter(customers::id.ne(except_id.unwrap_or(0)))
            .count()
            .get_result(conn)
            .await?
    });
    if taken > 0 {
        return Err(Error::conflict(
            "urlName",
            "a customer with this URL name exists",
        ));
    }
    Ok(())
}

/// The customers, oldest first.
pub async fn list(conn: &mut DbConn, scope: &Access, page: PageRequest) -> Result<Page<Customer>> {
    require_view(scope)?;
    let organization_id = scope.root.id;
    let after = page.after();
    let (rows, total) = db_run!(conn: {
        let rows = customers::table
            .filter(customers::organization_id.eq(organization_id))
            .filter(customers::id.gt(after))
            .order(customers::id.asc())
            .limit(page.limit())
            .select(Customer::as_select())
            .load(conn)
            .await?;
        let total: i64 = customers::table
            .filter(customers::organization_id.eq(organization_id))
            .count()
            .get_result(conn)
            .await?;
        (rows, total)
    });
    Ok(Page::from_rows(page, rows, total, |customer| customer.id))
}

/// A customer by id or `urlName`.
pub async fn find(conn: &mut DbConn, scope: &Access, id_or_url_name: &str) -> Result<Customer> {
    require_view(scope).map_err(|error| match error {
        Error::Forbidden(_) => Error::NotFound("customer"),
        other => other,
    })?;
    let organization_id = scope.root.id;
    let by_id = id_or_url_name.parse::<i64>().ok();
    let url_name = id_or_url_name.trim().to_lowercase();
    db_run!(conn: {
        let query = customers::table
            .filter(customers::organization_id.eq(organization_id))
            .select(Customer::as_select());
        match by_id {
            Some(id) => query.filter(customers::id.eq(id)).first(conn).await.optional()?,
            None => query.filter(customers::url_name.eq(&url_name)).first(conn).await.optional()?,
        }
    })
    .ok_or(Error::NotFound("customer"))
}

/// What the customer can see changed: its metadata gets a new date, and every replica
/// drops what it kept of the organization's documents.
async fn touch(conn: &mut DbConn, customer_ids: &[i64]) -> Result<()> {
    if customer_ids.is_empty() {
        return Ok(());
    }
    let now = db::now();
    db_run!(conn: {
        diesel::update(customers::table.filter(customers::id.eq_any(customer_ids)))
            .set(customers::access_changed_at.eq(now))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Customers of a bundle: a change of the bundle changes what they see.
pub async fn touch_bundle_customers(conn: &mut DbConn, vendor_bundle_id: i64) -> Result<()> {
    let ids: Vec<i64> = db_run!(conn: {
        customer_vendor_bundles::table
            .filter(customer_vendor_bundles::vendor_bundle_id.eq(vendor_bundle_id))
            .select(customer_vendor_bundles::customer_id)
            .load(conn)
            .await?
    });
    touch(conn, &ids).await
}

pub async fn changed(db: &Db, jobs_handle: &Jobs, organization_id: i64) -> Result<()> {
    jobs_handle
        .invalidate(db, Invalidation::Documents { organization_id })
        .await
}

pub async fn edit(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    changes: CustomerChanges<'_>,
) -> Result<Customer> {
    let name = changes.name.map(validate_name).transpose()?;
    let url_name = changes
        .url_name
        .map(|u| {
            let u = u.trim();
            validate_url_name(u).map(|()| u)
        })
        .transpose()?;
    let stability = changes
        .minimum_accessible_stability
        .map(|s| validate_stability("minimumAccessibleStability", s))
        .transpose()?;
    let customer = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            if let Some(url_name) = url_name {
                ensure_url_name_free(conn, customer.organization_id, url_name, Some(customer.id))
                    .await?;
            }
            let name = name.unwrap_or(&customer.name).to_owned();
            let url_name = url_name.unwrap_or(&customer.url_name).to_owned();
            let source = changes
                .access_to_version_control_source
                .unwrap_or(customer.access_to_version_control_source);
            let stability = stability.unwrap_or(customer.minimum_accessible_stability.clone());
            let assign_all = changes
                .assign_all_packages
                .unwrap_or(customer.assign_all_packages);
            Ok(db_run!(conn: {
                diesel::update(customers::table.find(customer.id))
                    .set((
                        customers::name.eq(&name),
                        customers::url_name.eq(&url_name),
                        customers::access_to_version_control_source.eq(source),
                        customers::minimum_accessible_stability.eq(&stability),
                        customers::assign_all_packages.eq(assign_all),
                        customers::access_changed_at.eq(db::now()),
                    ))
                    .returning(Customer::as_returning())
                    .get_result(conn)
                    .await?
            }))
        })
        .await?;
    changed(db, jobs_handle, customer.organization_id).await?;
    Ok(customer)
}

pub async fn remove(db: &Db, jobs_handle: &Jobs, actor: &Actor, customer_id: i64) -> Result<()> {
    let organization_id = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            db_run!(conn: {
                diesel::delete(customers::table.find(customer.id)).execute(conn).await?;
            });
            Ok(customer.organization_id)
        })
        .await?;
    changed(db, jobs_handle, organization_id).await
}

/// A disabled customer's credentials stop working at once; nothing else is lost.
pub async fn set_enabled(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    enabled: bool,
) -> Result<Customer> {
    let customer = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            Ok(db_run!(conn: {
                diesel::update(customers::table.find(customer.id))
                    .set((
                        customers::enabled.eq(enabled),
                        customers::access_changed_at.eq(db::now()),
                    ))
                    .returning(Customer::as_returning())
                    .get_result(conn)
                    .await?
            }))
        })
        .await?;
    changed(db, jobs_handle, customer.organization_id).await?;
    Ok(customer)
}

/// A new token; the old one stops working at once, which the caller must confirm.
pub async fn regenerate_token(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    confirmed: bool,
) -> Result<CreatedCustomer> {
    if !confirmed {
        return Err(Error::invalid(
            "iConfirmOldTokenWillStopWorkingImmediately",
            "confirm that the old token stops working immediately",
        ));
    }
    let token = secret::generate(SECRET_KIND);
    let customer = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            Ok(db_run!(conn: {
                diesel::update(customers::table.find(customer.id))
                    .set((
                        customers::token_prefix.eq(secret::visible_prefix(&token)),
                        customers::token_hash.eq(secret::hash(&token)),
                        customers::last_used_at.eq(None::<NaiveDateTime>),
                    ))
                    .returning(Customer::as_returning())
                    .get_result(conn)
                    .await?
            }))
        })
        .await?;
    changed(db, jobs_handle, customer.organization_id).await?;
    Ok(CreatedCustomer { customer, token })
}

/// A package of the organization by `vendor/name` or id; managers of customers may grant
/// any of them.
pub async fn package_by_name_or_id(
    conn: &mut DbConn,
    organization_id: i64,
    key: &str,
) -> Result<Package> {
    let by_id = key.parse::<i64>().ok();
    let name = key.trim().to_lowercase();
    db_run!(conn: {
        let query = packages::table
            .filter(packages::organization_id.eq(organization_id))
            .select(Package::as_select());
        match by_id {
            Some(id) => query.filter(packages::id.eq(id)).first(conn).await.optional()?,
            None => query.filter(packages::name.eq(&name)).first(conn).await.optional()?,
        }
    })
    .ok_or_else(|| {
        Error::invalid(
            "packages",
            format!("no package {key:?} in this organization"),
        )
    })
}

/// Grants packages, or changes the limits of granted ones (the list replaces the limits
/// of each package named; others stay as they are).
pub async fn add_or_edit_packages(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    items: &[PackageLimits<'_>],
) -> Result<Vec<(CustomerPackage, Package)>> {
    if items.is_empty() {
        return Err(Error::invalid("packages", "name at least one package"));
    }
    let mut validated = Vec::with_capacity(items.len());
    for item in items {
        validated.push((
            item.name,
            validate_constraint("versionConstraint", item.version_constraint)?,
            item.expiration_date.map(|at| at.naive_utc()),
            validate_stability(
                "minimumAccessibleStability",
                item.minimum_accessible_stability,
            )?,
        ));
    }
    let (granted, organization_id) = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            let mut granted = Vec::with_capacity(validated.len());
            for (name, constraint, expiration, stability) in &validated {
                let package = package_by_name_or_id(conn, customer.organization_id, name).await?;
                let row = CustomerPackage {
                    customer_id: customer.id,
                    package_id: package.id,
                    version_constraint: constraint.clone(),
                    expiration_date: *expiration,
                    minimum_accessible_stability: stability.clone(),
                    created_at: db::now(),
                };
                let stored = db_run!(conn: {
                    diesel::insert_into(customer_packages::table)
                        .values(&row)
                        .on_conflict((customer_packages::customer_id, customer_packages::package_id))
                        .do_update()
                        .set((
                            customer_packages::version_constraint.eq(&row.version_constraint),
                            customer_packages::expiration_date.eq(row.expiration_date),
                            customer_packages::minimum_accessible_stability
                                .eq(&row.minimum_accessible_stability),
                        ))
                        .returning(CustomerPackage::as_returning())
                        .get_result(conn)
                        .await?
                });
                granted.push((stored, package));
            }
            touch(conn, &[customer.id]).await?;
            Ok((granted, customer.organization_id))
        })
        .await?;
    changed(db, jobs_handle, organization_id).await?;
    Ok(granted)
}

pub async fn remove_package(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    package: &str,
) -> Result<Customer> {
    let customer = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            let package = package_by_name_or_id(conn, customer.organization_id, package).await?;
            let removed = db_run!(conn: {
                diesel::delete(
                    customer_packages::table
                        .filter(customer_packages::customer_id.eq(customer.id))
                        .filter(customer_packages::package_id.eq(package.id)),
                )
                .execute(conn)
                .await?
            });
            if removed == 0 {
                return Err(Error::invalid(
                    "packageName",
                    "this package is not granted to the customer",
                ));
            }
            touch(conn, &[customer.id]).await?;
            Ok(customer)
        })
        .await?;
    changed(db, jobs_handle, customer.organization_id).await?;
    Ok(customer)
}

/// The packages granted to the customer directly, by name.
pub async fn packages(
    conn: &mut DbConn,
    customer: &Customer,
) -> Result<Vec<(CustomerPackage, Package)>> {
    let customer_id = customer.id;
    Ok(db_run!(conn: {
        customer_packages::table
            .inner_join(packages::table)
            .filter(customer_packages::customer_id.eq(customer_id))
            .order(packages::name.asc())
            .select((CustomerPackage::as_select(), Package::as_select()))
            .load(conn)
            .await?
    }))
}

/// Gives the customer a vendor bundle (or changes its expiry).
pub async fn add_or_edit_vendor_bundle(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    vendor_bundle_id: i64,
    expiration_date: Option<DateTime<Utc>>,
) -> Result<(CustomerVendorBundle, VendorBundle)> {
    let expiration = expiration_date.map(|at| at.naive_utc());
    let (granted, organization_id) = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            let organization_id = customer.organization_id;
            let bundle: VendorBundle = db_run!(conn: {
                vendor_bundles::table
                    .filter(vendor_bundles::id.eq(vendor_bundle_id))
                    .filter(vendor_bundles::organization_id.eq(organization_id))
                    .select(VendorBundle::as_select())
                    .first(conn)
                    .await
                    .optional()?
            })
            .ok_or_else(|| Error::invalid("vendorBundleId", "no such vendor bundle in this organization"))?;
            let row = CustomerVendorBundle {
                customer_id: customer.id,
                vendor_bundle_id: bundle.id,
                expiration_date: expiration,
                created_at: db::now(),
            };
            let stored = db_run!(conn: {
                diesel::insert_into(customer_vendor_bundles::table)
                    .values(&row)
                    .on_conflict((customer_vendor_bundles::customer_id, customer_vendor_bundles::vendor_bundle_id))
                    .do_update()
                    .set(customer_vendor_bundles::expiration_date.eq(row.expiration_date))
                    .returning(CustomerVendorBundle::as_returning())
                    .get_result(conn)
                    .await?
            });
            touch(conn, &[customer.id]).await?;
            Ok(((stored, bundle), organization_id))
        })
        .await?;
    changed(db, jobs_handle, organization_id).await?;
    Ok(granted)
}

pub async fn remove_vendor_bundle(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    vendor_bundle_id: i64,
) -> Result<Customer> {
    let customer = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            let removed = db_run!(conn: {
                diesel::delete(
                    customer_vendor_bundles::table
                        .filter(customer_vendor_bundles::customer_id.eq(customer.id))
                        .filter(customer_vendor_bundles::vendor_bundle_id.eq(vendor_bundle_id)),
                )
                .execute(conn)
                .await?
            });
            if removed == 0 {
                return Err(Error::invalid(
                    "vendorBundleId",
                    "the customer does not have this vendor bundle",
                ));
            }
            touch(conn, &[customer.id]).await?;
            Ok(customer)
        })
        .await?;
    changed(db, jobs_handle, customer.organization_id).await?;
    Ok(customer)
}

/// The customer's bundles, by name.
pub async fn vendor_bundles(
    conn: &mut DbConn,
    customer: &Customer,
) -> Result<Vec<(CustomerVendorBundle, VendorBundle)>> {
    let customer_id = customer.id;
    Ok(db_run!(conn: {
        customer_vendor_bundles::table
            .inner_join(vendor_bundles::table)
            .filter(customer_vendor_bundles::customer_id.eq(customer_id))
            .order(vendor_bundles::name.asc())
            .select((CustomerVendorBundle::as_select(), VendorBundle::as_select()))
            .load(conn)
            .await?
    }))
}

/// A Magento 1 style key pair for the customer's repository. The private key is kept
/// only as a hash: it is shown to the vendor once, here.
pub async fn create_magento_legacy_key(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    public_key: &str,
    private_key: &str,
) -> Result<MagentoLegacyKey> {
    let public_key = public_key.trim();
    if public_key.is_empty() || public_key.len() > 200 || public_key.contains(':') {
        return Err(Error::invalid(
            "publicKey",
            "use 1 to 200 characters without a colon (it is the HTTP Basic username)",
        ));
    }
    if private_key.len() < 8 || private_key.len() > 200 {
        return Err(Error::invalid("privateKey", "use 8 to 200 characters"));
    }
    let key = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            let row = NewMagentoLegacyKey {
                customer_id: customer.id,
                public_key,
                private_key_hash: &secret::hash(private_key),
                created_at: db::now(),
            };
            let exists: i64 = db_run!(conn: {
                magento_legacy_keys::table
                    .filter(magento_legacy_keys::customer_id.eq(customer.id))
                    .filter(magento_legacy_keys::public_key.eq(public_key))
                    .count()
                    .get_result(conn)
                    .await?
            });
            if exists > 0 {
                return Err(Error::conflict(
                    "publicKey",
                    "the customer has a key with this public key",
                ));
            }
            let key = db_run!(conn: {
                diesel::insert_into(magento_legacy_keys::table)
                    .values(&row)
                    .returning(MagentoLegacyKey::as_returning())
                    .get_result(conn)
                    .await?
            });
            Ok((key, customer.organization_id))
        })
        .await?;
    changed(db, jobs_handle, key.1).await?;
    Ok(key.0)
}

pub async fn remove_magento_legacy_key(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    customer_id: i64,
    public_key: &str,
) -> Result<Customer> {
    let customer = db
        .transaction(async |conn| {
            let (customer, _) = managed_customer(conn, actor, customer_id).await?;
            let removed = db_run!(conn: {
                diesel::delete(
                    magento_legacy_keys::table
                        .filter(magento_legacy_keys::customer_id.eq(customer.id))
                        .filter(magento_legacy_keys::public_key.eq(public_key.trim())),
                )
                .execute(conn)
                .await?
            });
            if removed == 0 {
                return Err(Error::NotFound("Magento legacy key"));
            }
            Ok(customer)
        })
        .await?;
    changed(db, jobs_handle, customer.organization_id).await?;
    Ok(customer)
}

pub async fn magento_legacy_keys(
    conn: &mut DbConn,
    customer: &Customer,
) -> Result<Vec<MagentoLegacyKey>> {
    let customer_id = customer.id;
    Ok(db_run!(conn: {
        magento_legacy_keys::table
            .filter(magento_legacy_keys::customer_id.eq(customer_id))
            .order(magento_legacy_keys::public_key.asc())
            .select(MagentoLegacyKey::as_select())
            .load(conn)
            .await?
    }))
}

/// The customers a package is granted to directly.
pub async fn granted_package(
    conn: &mut DbConn,
    scope: &Access,
    package_id: i64,
) -> Result<Vec<(CustomerPackage, Customer)>> {
    require_view(scope)?;
    Ok(db_run!(conn: {
        customer_packages::table
            .inner_join(customers::table)
            .filter(customer_packages::package_id.eq(package_id))
            .order(customers::name.asc())
            .select((CustomerPackage::as_select(), Customer::as_select()))
            .load(conn)
            .await?
    }))
}
