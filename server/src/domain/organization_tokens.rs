//! Organization tokens: what Composer clients and CI use to install from the
//! organization's repository (`http-basic` with username `token`, or `Bearer`). READ
//! tokens install; UPDATE tokens may also trigger package updates.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::{Actor, TokenAccess, TokenHolder, secret};
use crate::composer::access_cache::Invalidation;
use crate::db::rows::{NewOrganizationToken, OrganizationToken};
use crate::db::schema::organization_tokens;
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::organizations::{self, VisibleOrganization};
use crate::error::{Error, Result};
use crate::jobs::Jobs;

pub const SECRET_KIND: &str = "pyo";
const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

pub struct CreatedToken {
    pub token: OrganizationToken,
    pub secret: String,
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    organization_url_name: &str,
    description: &str,
    access: TokenAccess,
    expires_at: Option<DateTime<Utc>>,
) -> Result<CreatedToken> {
    let description = description.trim();
    if description.is_empty() || description.chars().count() > 200 {
        return Err(Error::invalid(
            "description",
            "describe the token in 1 to 200 characters",
        ));
    }
    let now = db::now();
    let expires_at = expires_at.map(|at| at.naive_utc());
    if expires_at.is_some_and(|at| at <= now) {
        return Err(Error::invalid(
            "expiresAt",
            "the expiry must be in the future",
        ));
    }
    let secret = secret::generate(SECRET_KIND);
    let created_by = actor.user_id();
    let token = db
        .transaction(async |conn| {
            let organization =
                organizations::find_for_owner(conn, actor, organization_url_name).await?;
            let row = NewOrganizationToken {
                organization_id: organization.organization.id,
                description,
                access: access.as_str(),
                prefix: &secret::visible_prefix(&secret),
                token_hash: &secret::hash(&secret),
                created_by,
                created_at: now,
                expires_at,
            };
            Ok(db_run!(conn: {
                diesel::insert_into(organization_tokens::table)
                    .values(&row)
                    .returning(OrganizationToken::as_returning())
                    .get_result(conn)
                    .await?
            }))
        })
        .await?;
    Ok(CreatedToken { token, secret })
}

pub async fn list(
    conn: &mut DbConn,
    organization: &VisibleOrganization,
) -> Result<Vec<OrganizationToken>> {
    let organization_id = organization.organization.id;
    Ok(db_run!(conn: {
        organization_tokens::table
            .filter(organization_tokens::organization_id.eq(organization_id))
            .order(organization_tokens::id.desc())
            .select(OrganizationToken::as_select())
            .load(conn)
            .await?
    }))
}

/// A token of an organization the actor owns, or `NOT_FOUND`.
async fn find_owned(conn: &mut DbConn, actor: &Actor, token_id: i64) -> Result<OrganizationToken> {
    let token: OrganizationToken = db_run!(conn: {
        organization_tokens::table
            .find(token_id)
            .select(OrganizationToken::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("token"))?;
    let owner = match actor.user_id() {
        Some(user_id) => {
            organizations::role_of(conn, token.organization_id, user_id).await?
                == Some(organizations::Role::Owner)
        }
        None => false,
    };
    if owner || actor.is_admin() {
        Ok(token)
    } else {
        Err(Error::NotFound("token"))
    }
}

/// Removes a token; it stops working at once, on every replica.
pub async fn remove(db: &Db, jobs_handle: &Jobs, actor: &Actor, token_id: i64) -> Result<()> {
    db.transaction(async |conn| {
        let token = find_owned(conn, actor, token_id).await?;
        db_run!(conn: {
            diesel::delete(organization_tokens::table.find(token.id)).execute(conn).await?;
        });
        Ok(())
    })
    .await?;
    jobs_handle.invalidate(db, Invalidation::Tokens).await
}

/// A new secret for the same token; the old one stops working at once, which the caller
/// must confirm explicitly.
pub async fn regenerate(
    db: &Db,
    jobs_handle: &Jobs,
    actor: &Actor,
    token_id: i64,
    confirmed: bool,
) -> Result<CreatedToken> {
    if !confirmed {
        return Err(Error::invalid(
            "iConfirmOldTokenWillStopWorkingImmediately",
            "confirm that the old token stops working immediately",
        ));
    }
    let secret = secret::generate(SECRET_KIND);
    let token = db
        .transaction(async |conn| {
            let token = find_owned(conn, actor, token_id).await?;
            Ok(db_run!(conn: {
                diesel::update(organization_tokens::table.find(token.id))
                    .set((
                        organization_tokens::prefix.eq(secret::visible_prefix(&secret)),
                        organization_tokens::token_hash.eq(secret::hash(&secret)),
                        organization_tokens::last_used_at.eq(None::<chrono::NaiveDateTime>),
                    ))
                    .returning(OrganizationToken::as_returning())
                    .get_result(conn)
                    .await?
            }))
        })
        .await?;
    jobs_handle.invalidate(db, Invalidation::Tokens).await?;
    Ok(CreatedToken { token, secret })
}

/// The token behind `secret` if it belongs to `organization_id` and has not expired.
/// Also returns the expiry, for callers that keep the answer for a while.
pub async fn authenticate(
    db: &Db,
    organization_id: i64,
    secret_value: &str,
) -> Result<Option<(TokenHolder, Option<chrono::NaiveDateTime>)>> {
    if !secret_value.starts_with(&format!("{SECRET_KIND}_")) {
        return Ok(None);
    }
    let hash = secret::hash(secret_value);
    let now = db::now();
    let mut conn = db.get().await?;
    let token: Option<OrganizationToken> = db_run!(conn: {
        organization_tokens::table
            .filter(organization_tokens::token_hash.eq(&hash))
            .filter(organization_tokens::organization_id.eq(organization_id))
            .select(OrganizationToken::as_select())
            .first(conn)
            .await
            .optional()?
    });
    let Some(token) = token.filter(|token| token.expires_at.is_none_or(|at| at > now)) else {
        return Ok(None);
    };
    if token
        .last_used_at
        .is_none_or(|at| (now - at).num_seconds() >= LAST_USED_RESOLUTION_SECONDS)
    {
        db_run!(conn: {
            diesel::update(organization_tokens::table.find(token.id))
                .set(organization_tokens::last_used_at.eq(now))
                .execute(conn)
                .await?;
        });
    }
    let access = TokenAccess::parse(&token.access).ok_or_else(|| {
        Error::internal(anyhow::anyhow!("unknown token access {:?}", token.access))
    })?;
    let holder = TokenHolder {
        token_id: token.id,
        organization_id: token.organization_id,
        access,
    };
    Ok(Some((holder, token.expires_at)))
}

/// Notes that a token was used (shown as `lastUsedAt`); callers limit how often.
pub async fn record_use(db: &Db, token_id: i64) -> Result<()> {
    let mut conn = db.get().await?;
    let now = db::now();
    db_run!(conn: {
        diesel::update(organization_tokens::table.find(token_id))
            .set(organization_tokens::last_used_at.eq(now))
            .execute(conn)
            .await?;
    });
    Ok(())
}
