//! Personal API tokens: a user's credentials for scripts and the REST/GraphQL API,
//! sent as `Authorization: Bearer <token>`. The secret is shown once; only its hash and
//! a short visible prefix are kept.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::{Actor, AuthenticatedUser, Credential, secret};
use crate::db::rows::{ApiToken, NewApiToken, User};
use crate::db::schema::{api_tokens, users};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::error::{Error, Result};

pub const SECRET_KIND: &str = "pyu";
const MAX_TOKENS_PER_USER: i64 = 100;
/// `last_used_at` is informative: writing it once a minute is precise enough.
const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    description: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<CreatedToken> {
    let user = actor.user()?;
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
    let user_id = user.id;
    let token = db
        .transaction(async |conn| {
            let existing: i64 = db_run!(conn: {
                api_tokens::table
                    .filter(api_tokens::user_id.eq(user_id))
                    .count()
                    .get_result(conn)
                    .await?
            });
            if existing >= MAX_TOKENS_PER_USER {
                return Err(Error::conflict(
                    "description",
                    format!(
                        "a user may have at most {MAX_TOKENS_PER_USER} tokens; remove unused ones"
                    ),
                ));
            }
            let row = NewApiToken {
                user_id,
                description,
                prefix: &secret::visible_prefix(&secret),
                token_hash: &secret::hash(&secret),
                created_at: now,
                expires_at,
            };
            Ok(db_run!(conn: {
                diesel::insert_into(api_tokens::table)
                    .values(&row)
                    .returning(ApiToken::as_returning())
                    .get_result(conn)
                    .await?
            }))
        })
        .await?;
    Ok(CreatedToken { token, secret })
}

/// Removes one of the actor's own tokens; it stops working at once.
pub async fn remove(db: &Db, actor: &Actor, token_id: i64) -> Result<()> {
    let user = actor.user()?;
    let mut conn = db.get().await?;
    let removed = db_run!(conn: {
        diesel::delete(
            api_tokens::table
                .filter(api_tokens::id.eq(token_id))
                .filter(api_tokens::user_id.eq(user.id)),
        )
        .execute(conn)
        .await?
    });
    if removed == 0 {
        return Err(Error::NotFound("API token"));
    }
    Ok(())
}

/// The tokens of a user, newest first. Visible to the user themself and to admins.
pub async fn list(conn: &mut DbConn, actor: &Actor, user_id: i64) -> Result<Vec<ApiToken>> {
    if actor.user_id() != Some(user_id) && !actor.is_admin() {
        return Err(Error::NotFound("user"));
    }
    Ok(db_run!(conn: {
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .order(api_tokens::id.desc())
            .select(ApiToken::as_select())
            .load(conn)
            .await?
    }))
}

/// The actor a bearer token stands for. Unknown, removed and expired tokens are all
/// `UNAUTHENTICATED`, with the same message.
pub async fn authenticate(db: &Db, bearer: &str) -> Result<Actor> {
    let rejected = || Error::Unauthenticated("invalid, expired or removed token".into());
    if !bearer.starts_with(&format!("{SECRET_KIND}_")) {
        return Err(rejected());
    }
    let hash = secret::hash(bearer);
    let now = db::now();
    let mut conn = db.get().await?;
    let found: Option<(ApiToken, User)> = db_run!(conn: {
        api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(&hash))
            .select((ApiToken::as_select(), User::as_select()))
            .first(conn)
            .await
            .optional()?
    });
    let Some((token, user)) = found else {
        return Err(rejected());
    };
    if token.expires_at.is_some_and(|at| at <= now) {
        return Err(rejected());
    }
    let stale = token
        .last_used_at
        .is_none_or(|at| (now - at).num_seconds() >= LAST_USED_RESOLUTION_SECONDS);
    if stale {
        db_run!(conn: {
            diesel::update(api_tokens::table.find(token.id))
                .set(api_tokens::last_used_at.eq(now))
                .execute(conn)
                .await?;
        });
    }
    Ok(Actor::User(AuthenticatedUser {
        id: user.id,
        username: user.username,
        is_admin: user.is_admin,
        credential: Credential::ApiToken { token_id: token.id },
    }))
}
