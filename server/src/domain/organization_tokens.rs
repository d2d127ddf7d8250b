//! Organization tokens: what Composer clients and CI use to install from the
//! organization's repository (`http-basic` with username `token`, or `Bearer`). READ
//! tokens install; UPDATE tokens may also trigger package updates. A token sees all
//! packages of its organization (or suborganization), or those of one team.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::{Actor, TokenAccess, TokenHolder, secret};
use crate::composer::access_cache::Invalidation;
use crate::db::rows::{NewOrganizationToken, OrganizationToken};
use crate::db::schema::{organization_tokens, teams};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access};
use crate::error::{Error, Result};
use crate::jobs::Jobs;

pub const SECRET_KIND: &str = "pyo";
const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

pub struct CreatedToken {
    pub token: OrganizationToken,
    pub secret: String,
}

/// What a new token may reach.
pub struct TokenInput<'a> {
    pub description: &'a str,
    pub access: TokenAccess,
    pub team_id: Option<i64>,
    pub access_to_all_packages: Option<bool>,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    organization_url_name: &str,
    suborganization: Option<&str>,
    input: TokenInput<'_>,
) -> Result<CreatedToken> {
    let TokenInput {
        description,
        access,
        team_id,
        access_to_all_packages,
        expires_at,
    } = input;
    if team_id.is_some() && access_to_all_packages == Some(true) {
        return Err(Error::invalid(
            "teamId",
            "a token sees one team's packages or all packages, not both",
        ));
    }
    if team_id.is_none() && access_to_all_packages == Some(false) {
        return Err(Error::invalid(
            "teamId",
            "name the team whose packages the token sees, or give it access to all packages",
        ));
    }
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
            let scope =
                access::resolve(conn, actor, organization_url_name, suborganization).await?;
            scope.require_user()?;
            scope.require_owner()?;
            if let Some(team_id) = team_id {
                if scope.is_suborganization() {
                    return Err(Error::invalid(
                        "teamId",
                        "a suborganization's tokens see all of its packages",
                    ));
                }
                let root_id = scope.root.id;
                let found: i64 = db_run!(conn: {
                    teams::table
                        .filter(teams::id.eq(team_id))
                        .filter(teams::organization_id.eq(root_id))
                        .count()
                        .get_result(conn)
                        .await?
                });
                if found == 0 {
                    return Err(Error::invalid(
                        "teamId",
                        "no such team in this organization",
                    ));
                }
            }
            let row = NewOrganizationToken {
                organization_id: scope.organization.id,
                description,
                access: access.as_str(),
                prefix: &secret::visible_prefix(&secret),
                token_hash: &secret::hash(&secret),
                created_by,
                created_at: now,
                expires_at,
                team_id,
                access_to_all_packages: team_id.is_none(),
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

/// The tokens of the scope. Owners only: tokens open the repository.
pub async fn list(conn: &mut DbConn, scope: &Access) -> Result<Vec<OrganizationToken>> {
    scope.require_owner()?;
    let organization_id = scope.organization.id;
    Ok(db_run!(conn: {
        organization_tokens::table
            .filter(organization_tokens::organization_id.eq(organization_id))
            .order(organization_tokens::id.desc())
            .select(OrganizationToken::as_select())
            .load(conn)
            .await?
    }))
}

/// A token of an organization the actor owns; `FORBIDDEN` for other members of it,
/// `NOT_FOUND` for everyone else.
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
    let scope = access::resolve_owner_of(conn, actor, token.organization_id, "token").await?;
    scope.require_user()?;
    scope.require_owner()?;
    Ok(token)
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

/// Whether `secret` looks like an organization token (and not a personal one).
pub fn is_token_secret(secret_value: &str) -> bool {
    secret_value
        .strip_prefix(SECRET_KIND)
        .is_some_and(|rest| rest.starts_with('_'))
}

/// The token behind `secret` if it belongs to `organization_id` (any organization when
/// `None`) and has not expired. Also returns the expiry, for callers that keep the
/// answer for a while.
pub async fn authenticate(
    db: &Db,
    organization_id: Option<i64>,
    secret_value: &str,
) -> Result<Option<(TokenHolder, Option<chrono::NaiveDateTime>)>> {
    if !is_token_secret(secret_value) {
        return Ok(None);
    }
    let hash = secret::hash(secret_value);
    let now = db::now();
    let mut conn = db.get().await?;
    let token: Option<OrganizationToken> = db_run!(conn: {
        organization_tokens::table
            .filter(organization_tokens::token_hash.eq(&hash))
            .select(OrganizationToken::as_select())
            .first(conn)
            .await
            .optional()?
    });
    let token = token.filter(|token| organization_id.is_none_or(|id| id == token.organization_id));
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
        team_id: token.team_id.filter(|_| !token.access_to_all_packages),
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
