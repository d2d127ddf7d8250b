//! The inbound hook URL of an organization (`/api/hooks/<org>`, and
//! `/api/hooks/<org>/<sub>` for a suborganization) and its secret. Code hosts sign their
//! deliveries with the secret (or send it back, see `webhooks::verify`), so that no one
//! without it can trigger work. One secret per organization row, not per package: one
//! hook on a GitLab group or a Gitea organization then serves all its repositories.
//!
//! The secret is stored sealed, not hashed, because an HMAC can only be checked with the
//! secret itself. It is created on first use, so that organizations made before hooks
//! existed get one without a migration that would need the sealing key.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::sealing::Sealer;
use crate::auth::{Actor, secret};
use crate::db::schema::organization_hook_secrets;
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access};
use crate::error::{Error, Result};

const SECRET_LENGTH: usize = 40;

/// The hook URL of an organization (or suborganization) by its `url_name`.
pub fn hook_url(public_url: &str, organization_url_name: &str) -> String {
    format!("{public_url}/api/hooks/{organization_url_name}")
}

/// The secret, for someone who may edit the package: only they set up its hooks.
pub async fn for_package(
    conn: &mut DbConn,
    sealer: &Sealer,
    scope: &Access,
    package_id: i64,
) -> Result<String> {
    if !scope.can_edit_package(conn, package_id).await? {
        return Err(Error::Forbidden(
            "only those who may edit this package see its hook secret".into(),
        ));
    }
    ensure_for_organization(conn, sealer, scope.organization.id).await
}

/// A new secret; hooks still sending the old one are refused from now on. Owners only.
pub async fn regenerate(
    db: &Db,
    sealer: &Sealer,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    confirmed: bool,
) -> Result<String> {
    if !confirmed {
        return Err(Error::invalid(
            "iConfirmHooksWithTheOldSecretWillBeRefused",
            "confirm that hooks sending the old secret are refused from now on",
        ));
    }
    let fresh = secret::random_string(SECRET_LENGTH);
    let sealed = sealer.seal(fresh.as_bytes());
    db.transaction(async |conn| {
        let scope = access::resolve(conn, actor, organization_url_name, suborganization).await?;
        scope.require_user()?;
        scope.require_owner()?;
        let organization_id = scope.organization.id;
        db_run!(conn: {
            diesel::delete(organization_hook_secrets::table.find(organization_id))
                .execute(conn)
                .await?;
            diesel::insert_into(organization_hook_secrets::table)
                .values((
                    organization_hook_secrets::organization_id.eq(organization_id),
                    organization_hook_secrets::sealed_secret.eq(&sealed),
                    organization_hook_secrets::created_at.eq(db::now()),
                ))
                .execute(conn)
                .await?;
        });
        Ok(())
    })
    .await?;
    Ok(fresh)
}

/// The stored secret, without creating one: a delivery to an organization whose secret
/// nobody has seen yet cannot be genuine.
pub async fn stored(
    conn: &mut DbConn,
    sealer: &Sealer,
    organization_id: i64,
) -> Result<Option<String>> {
    let sealed: Option<String> = db_run!(conn: {
        organization_hook_secrets::table
            .find(organization_id)
            .select(organization_hook_secrets::sealed_secret)
            .first(conn)
            .await
            .optional()?
    });
    sealed.map(|sealed| open(sealer, &sealed)).transpose()
}

/// The secret, created if nobody asked for it yet (a synchronization installing hooks).
pub async fn ensure_for_organization(
    conn: &mut DbConn,
    sealer: &Sealer,
    organization_id: i64,
) -> Result<String> {
    if let Some(existing) = stored(conn, sealer, organization_id).await? {
        return Ok(existing);
    }
    let sealed = sealer.seal(secret::random_string(SECRET_LENGTH).as_bytes());
    // Two first readers at once: the second insert does nothing and both read the winner.
    db_run!(conn: {
        diesel::insert_into(organization_hook_secrets::table)
            .values((
                organization_hook_secrets::organization_id.eq(organization_id),
                organization_hook_secrets::sealed_secret.eq(&sealed),
                organization_hook_secrets::created_at.eq(db::now()),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    });
    stored(conn, sealer, organization_id)
        .await?
        .ok_or_else(|| Error::internal(anyhow::anyhow!("the hook secret vanished after insert")))
}

fn open(sealer: &Sealer, sealed: &str) -> Result<String> {
    String::from_utf8(sealer.open(sealed)?)
        .map_err(|_| Error::internal(anyhow::anyhow!("a stored hook secret is not UTF-8")))
}
