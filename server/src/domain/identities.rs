//! Accounts at code hosts linked to users: linking, listing, unlinking, and handing out
//! a usable (refreshed when expired) access token to the code that calls the host.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::app::AppState;
use crate::auth::Actor;
use crate::auth::oauth::{self, Profile, Provider, Tokens};
use crate::auth::sealing::Sealer;
use crate::db::rows::{NewUserIdentity, User, UserIdentity};
use crate::db::schema::{user_identities, users};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::error::{Error, Result};

/// What a login or refresh writes to an identity, tokens already sealed.
pub struct TokenUpdate {
    pub provider_user_id: String,
    pub login: String,
    pub email: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub token_expires_at: Option<chrono::NaiveDateTime>,
    pub scopes: String,
}

impl TokenUpdate {
    pub fn seal(sealer: &Sealer, tokens: &Tokens, profile: &Profile) -> TokenUpdate {
        TokenUpdate {
            provider_user_id: profile.id.clone(),
            login: profile.login.clone(),
            email: profile.verified_email().map(str::to_lowercase),
            access_token: sealer.seal(tokens.access_token.as_bytes()),
            refresh_token: tokens
                .refresh_token
                .as_ref()
                .map(|token| sealer.seal(token.as_bytes())),
            token_expires_at: tokens.expires_in.map(|lifetime| db::now() + lifetime),
            scopes: tokens.scopes.join(" "),
        }
    }
}

pub async fn find(
    conn: &mut DbConn,
    provider: &str,
    provider_user_id: &str,
) -> Result<Option<UserIdentity>> {
    Ok(db_run!(conn: {
        user_identities::table
            .filter(user_identities::provider.eq(provider))
            .filter(user_identities::provider_user_id.eq(provider_user_id))
            .select(UserIdentity::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// The user's account at this provider (config entry name), if linked.
pub async fn of_user(
    conn: &mut DbConn,
    user_id: i64,
    provider: &str,
) -> Result<Option<UserIdentity>> {
    Ok(db_run!(conn: {
        user_identities::table
            .filter(user_identities::user_id.eq(user_id))
            .filter(user_identities::provider.eq(provider))
            .select(UserIdentity::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// Links the account to `user_id` (or refreshes the tokens of an existing link). An
/// account belongs to one user, and a user has one account per provider.
pub async fn link(
    conn: &mut DbConn,
    provider: &Provider,
    user_id: i64,
    update: &TokenUpdate,
) -> Result<()> {
    if let Some(existing) = find(conn, &provider.name, &update.provider_user_id).await? {
        if existing.user_id != user_id {
            return Err(Error::conflict(
                "provider",
                format!(
                    "this {} account is linked to another user",
                    provider.display_name
                ),
            ));
        }
        return refresh_on_login(conn, existing.id, update).await;
    }
    let other: Option<String> = db_run!(conn: {
        user_identities::table
            .filter(user_identities::user_id.eq(user_id))
            .filter(user_identities::provider.eq(&provider.name))
            .select(user_identities::login)
            .first(conn)
            .await
            .optional()?
    });
    if let Some(login) = other {
        return Err(Error::conflict(
            "provider",
            format!(
                "your account is already linked to the {} account {login}; unlink it first",
                provider.display_name
            ),
        ));
    }
    let now = db::now();
    let row = NewUserIdentity {
        user_id,
        provider: &provider.name,
        provider_user_id: &update.provider_user_id,
        login: &update.login,
        email: update.email.as_deref(),
        access_token: &update.access_token,
        refresh_token: update.refresh_token.as_deref(),
        token_expires_at: update.token_expires_at,
        scopes: &update.scopes,
        created_at: now,
        updated_at: now,
        last_login_at: Some(now),
    };
    db_run!(conn: {
        diesel::insert_into(user_identities::table).values(&row).execute(conn).await?;
    });
    Ok(())
}

/// New tokens and profile details after a sign-in with the account.
pub async fn refresh_on_login(conn: &mut DbConn, id: i64, update: &TokenUpdate) -> Result<()> {
    let now = db::now();
    db_run!(conn: {
        diesel::update(user_identities::table.find(id))
            .set((
                user_identities::login.eq(&update.login),
                user_identities::email.eq(update.email.as_deref()),
                user_identities::access_token.eq(&update.access_token),
                user_identities::refresh_token.eq(update.refresh_token.as_deref()),
                user_identities::token_expires_at.eq(update.token_expires_at),
                user_identities::scopes.eq(&update.scopes),
                user_identities::updated_at.eq(now),
                user_identities::last_login_at.eq(Some(now)),
            ))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// The accounts linked to a user, for the user themself and administrators.
pub async fn list(conn: &mut DbConn, actor: &Actor, user_id: i64) -> Result<Vec<UserIdentity>> {
    if actor.user_id() != Some(user_id) && !actor.is_admin() {
        return Err(Error::Forbidden(
            "linked accounts are shown to their user only".into(),
        ));
    }
    Ok(db_run!(conn: {
        user_identities::table
            .filter(user_identities::user_id.eq(user_id))
            .order(user_identities::provider)
            .select(UserIdentity::as_select())
            .load(conn)
            .await?
    }))
}

/// Unlinks one of the actor's accounts, unless it is their last way to sign in.
pub async fn unlink(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let user_id = actor.user()?.id;
    db.transaction(async |conn| {
        let owned: Option<i64> = db_run!(conn: {
            user_identities::table
                .find(id)
                .filter(user_identities::user_id.eq(user_id))
                .select(user_identities::id)
                .first(conn)
                .await
                .optional()?
        });
        owned.ok_or(Error::NotFound("linked account"))?;
        let (user, linked): (User, i64) = db_run!(conn: {
            let user = users::table.find(user_id).select(User::as_select()).first(conn).await?;
            let linked = user_identities::table
                .filter(user_identities::user_id.eq(user_id))
                .count()
                .get_result(conn)
                .await?;
            (user, linked)
        });
        if user.password_hash.is_none() && linked <= 1 {
            return Err(Error::conflict(
                "id",
                "this account is your only way to sign in: link another account or have a password set first",
            ));
        }
        db_run!(conn: {
            diesel::delete(user_identities::table.find(id)).execute(conn).await?;
        });
        Ok(())
    })
    .await
}

/// The account's access token, refreshed first when it has expired (or is about to)
/// and the provider gave a refresh token. For code that calls the host for the user.
pub async fn access_token(state: &AppState, identity_id: i64) -> Result<String> {
    let mut conn = state.db.get().await?;
    let identity: UserIdentity = db_run!(conn: {
        user_identities::table
            .find(identity_id)
            .select(UserIdentity::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or(Error::NotFound("linked account"))?
    });
    let open = |sealed: &str| {
        state
            .sealer
            .open(sealed)
            .and_then(|bytes| String::from_utf8(bytes).map_err(Error::internal))
    };
    if !oauth::needs_refresh(identity.token_expires_at, db::now()) {
        return open(&identity.access_token);
    }
    let provider = state
        .oauth
        .get(&identity.provider)
        .ok_or(Error::NotFound("sign-in provider"))?;
    let Some(refresh_token) = identity.refresh_token.as_deref() else {
        return Err(Error::Unauthenticated(format!(
            "the {} token has expired: sign in with {} again",
            provider.display_name, provider.display_name
        )));
    };
    let redirect_url = oauth::callback_url(&state.config, &provider.name);
    let tokens = provider
        .refresh(&state.http, &redirect_url, &open(refresh_token)?)
        .await?;
    let sealed_refresh = tokens
        .refresh_token
        .as_ref()
        .map(|token| state.sealer.seal(token.as_bytes()));
    let now = db::now();
    db_run!(conn: {
        diesel::update(user_identities::table.find(identity.id))
            .set((
                user_identities::access_token.eq(state.sealer.seal(tokens.access_token.as_bytes())),
                user_identities::refresh_token.eq(sealed_refresh.as_deref()),
                user_identities::token_expires_at.eq(tokens.expires_in.map(|lifetime| now + lifetime)),
                user_identities::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
    });
    Ok(tokens.access_token)
}
