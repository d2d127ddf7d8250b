//! Signing in (or linking an account) with a code host: the request in flight between
//! `/start` and `/callback`, and what a completed authorization does to our users.
//!
//! The request lives in `oauth_states` (any replica may receive the callback), keyed by
//! the SHA-256 of `state`; the browser also holds `state` in a cookie, so a callback
//! only completes in the browser that started it (no login CSRF).

use chrono::Duration;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::identities::{self, TokenUpdate};
use super::sessions::{self, SessionPolicy};
use crate::app::AppState;
use crate::auth::oauth::{self, Profile, Provider, ProviderError};
use crate::auth::{Actor, secret};
use crate::db::rows::{NewOAuthState, NewUser, OAuthState, User};
use crate::db::schema::{oauth_states, users};
use crate::db::{self, DbConn};
use crate::db_run;
use crate::error::{Error, Result};

/// How long the person has to approve at the provider.
pub const STATE_TTL_MINUTES: i64 = 10;

pub struct Started {
    /// The provider's authorization page, to redirect the browser to.
    pub authorize_url: String,
    /// For the browser's cookie.
    pub state: String,
}

/// What a completed callback did.
pub enum Completed {
    /// Signed in: the secret for the session cookie.
    SignedIn { user: User, session_secret: String },
    /// A signed-in user linked the account to themself.
    Linked { user_id: i64 },
}

/// The failure of a callback, and whether it happened while linking (the browser is
/// then sent back to the profile page rather than the login page).
pub struct Failed {
    pub error: Error,
    pub linking: bool,
}

fn provider<'a>(state: &'a AppState, name: &str) -> Result<&'a Provider> {
    state
        .oauth
        .get(name)
        .ok_or(Error::NotFound("sign-in provider"))
}

/// Starts an authorization: remembers state and PKCE verifier, returns where to go. A
/// signed-in actor links the account to themself instead of signing in.
pub async fn begin(state: &AppState, provider_name: &str, actor: &Actor) -> Result<Started> {
    let provider = provider(state, provider_name)?;
    let redirect_url = oauth::callback_url(&state.config, &provider.name);
    let (authorize_url, oauth_state, verifier) = provider
        .authorize(&redirect_url)
        .map_err(|error| Error::internal(anyhow::anyhow!(error)))?;
    let now = db::now();
    let row = NewOAuthState {
        state_hash: &secret::hash(&oauth_state),
        provider: &provider.name,
        pkce_verifier: &state.sealer.seal(verifier.as_bytes()),
        link_user_id: actor.user_id(),
        created_at: now,
        expires_at: now + Duration::minutes(STATE_TTL_MINUTES),
    };
    let mut conn = state.db.get().await?;
    db_run!(conn: {
        diesel::insert_into(oauth_states::table).values(&row).execute(conn).await?;
    });
    Ok(Started {
        authorize_url,
        state: oauth_state,
    })
}

/// The callback's query parameters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Completes an authorization: checks `state` (against the cookie and the stored
/// request, which is used up), exchanges the code, reads the profile, then signs in or
/// links.
pub async fn complete(
    state: &AppState,
    provider_name: &str,
    query: &CallbackQuery,
    cookie_state: Option<&str>,
) -> std::result::Result<Completed, Failed> {
    let fail = |linking: bool| move |error: Error| Failed { error, linking };
    let provider = provider(state, provider_name).map_err(fail(false))?;
    let Some(returned_state) = query.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(fail(false)(refused_state()));
    };
    // Used up first, whatever happens next: a state (and its code) never works twice.
    let request = take_state(state, provider_name, returned_state)
        .await
        .map_err(fail(false))?;
    let linking = request.link_user_id.is_some();
    if cookie_state != Some(returned_state) {
        return Err(fail(linking)(refused_state()));
    }
    if let Some(error) = &query.error {
        let refused = ProviderError::refused(
            &provider.display_name,
            error,
            query.error_description.as_deref(),
        );
        return Err(fail(linking)(refused.into()));
    }
    let code = query
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Error::BadRequest(format!("{} sent no code", provider.display_name)))
        .map_err(fail(linking))?;
    let verifier = state
        .sealer
        .open(&request.pkce_verifier)
        .and_then(|bytes| String::from_utf8(bytes).map_err(Error::internal))
        .map_err(fail(linking))?;
    let redirect_url = oauth::callback_url(&state.config, &provider.name);
    let tokens = provider
        .exchange_code(&state.http, &redirect_url, code, &verifier)
        .await
        .map_err(|e| fail(linking)(e.into()))?;
    let profile = oauth::profile::fetch(provider, &state.http, &tokens.access_token)
        .await
        .map_err(|e| fail(linking)(e.into()))?;
    let update = TokenUpdate::seal(&state.sealer, &tokens, &profile);
    let policy = SessionPolicy::from_config(&state.config);
    state
        .db
        .transaction(async |conn| match request.link_user_id {
            Some(user_id) => {
                identities::link(conn, provider, user_id, &update).await?;
                Ok(Completed::Linked { user_id })
            }
            None => {
                let user = find_or_create_user(conn, provider, &profile, &update).await?;
                let session_secret = sessions::start(conn, &policy, user.id).await?;
                Ok(Completed::SignedIn {
                    user,
                    session_secret,
                })
            }
        })
        .await
        .map_err(fail(linking))
}

fn refused_state() -> Error {
    Error::Unauthenticated(
        "this sign-in link is unknown, expired or was already used; please start again".into(),
    )
}

/// Deletes the stored request and returns it, if it exists, belongs to the provider
/// and has not expired.
async fn take_state(state: &AppState, provider: &str, returned_state: &str) -> Result<OAuthState> {
    let hash = secret::hash(returned_state);
    let mut conn = state.db.get().await?;
    let taken: Option<OAuthState> = db_run!(conn: {
        diesel::delete(oauth_states::table.filter(oauth_states::state_hash.eq(&hash)))
            .returning(OAuthState::as_returning())
            .get_result(conn)
            .await
            .optional()?
    });
    taken
        .filter(|row| row.provider == provider && row.expires_at > db::now())
        .ok_or_else(refused_state)
}

/// The user this account signs in: the one it is linked to, else the one whose email
/// address the provider verified, else a new user.
async fn find_or_create_user(
    conn: &mut DbConn,
    provider: &Provider,
    profile: &Profile,
    update: &TokenUpdate,
) -> Result<User> {
    if let Some(identity) = identities::find(conn, &provider.name, &profile.id).await? {
        identities::refresh_on_login(conn, identity.id, update).await?;
        return super::users::find(conn, identity.user_id).await;
    }
    // Only addresses the provider verified: anyone can type someone else's address
    // into a code host, and that must not open their Packyard account.
    for email in profile.verified_emails() {
        let email = email.to_lowercase();
        let owner: Option<User> = db_run!(conn: {
            users::table
                .filter(users::email.eq(&email))
                .select(User::as_select())
                .first(conn)
                .await
                .optional()?
        });
        if let Some(user) = owner {
            identities::link(conn, provider, user.id, update).await?;
            return Ok(user);
        }
    }
    if !provider.allow_signup {
        return Err(Error::Unauthenticated(format!(
            "no Packyard user goes with this {} account: ask an administrator for a user, then link the account to it",
            provider.display_name
        )));
    }
    let user = create_user(conn, profile).await?;
    identities::link(conn, provider, user.id, update).await?;
    Ok(user)
}

async fn create_user(conn: &mut DbConn, profile: &Profile) -> Result<User> {
    let username = free_username(conn, &profile.login).await?;
    // The verified address, which no user has (else it would have matched above).
    let email = profile.verified_email().map(str::to_lowercase);
    let now = db::now();
    let row = NewUser {
        username: &username,
        email: email.as_deref(),
        // Signs in through the code host only, until an administrator sets a password.
        password_hash: None,
        is_admin: false,
        created_at: now,
        updated_at: now,
    };
    Ok(db_run!(conn: {
        diesel::insert_into(users::table)
            .values(&row)
            .returning(User::as_returning())
            .get_result(conn)
            .await?
    }))
}

/// A username from the provider's login that no user has: `login`, `login-2`, …
async fn free_username(conn: &mut DbConn, login: &str) -> Result<String> {
    let base = username_base(login);
    for n in 1..=50 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if super::users::find_by_username(conn, &candidate)
            .await?
            .is_none()
        {
            return Ok(candidate);
        }
    }
    Ok(format!(
        "{base}-{}",
        secret::random_string(6).to_lowercase()
    ))
}

/// The provider's login made into a valid username (`users::normalize_username`), with
/// room for a `-NN` suffix.
fn username_base(login: &str) -> String {
    let mapped: String = login
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed: String = mapped
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .take(36)
        .collect();
    if trimmed.len() < 2 {
        format!("user-{trimmed}").trim_end_matches('-').to_owned()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_derived_from_logins() {
        for (login, expected) in [
            ("Octocat", "octocat"),
            ("jane.doe", "jane.doe"),
            ("{1234-abcd}", "1234-abcd-"),
            ("Émile Zola", "mile-zola"),
            ("_x", "user-x"),
            ("", "user"),
        ] {
            let base = username_base(login);
            assert_eq!(base, expected, "{login}");
            super::super::users::normalize_username("u", &base).unwrap();
            super::super::users::normalize_username("u", &format!("{base}-50")).unwrap();
        }
        assert_eq!(username_base(&"a".repeat(60)).len(), 36);
    }
}
