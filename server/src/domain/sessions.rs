//! Browser sessions: signing in with a password (throttled), signing out, resolving the
//! session cookie, and purging expired sessions.

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::auth::{Actor, AuthenticatedUser, Credential, password, secret};
use crate::config::Config;
use crate::db::rows::{NewSession, Session, User};
use crate::db::schema::{login_throttle, oauth_states, sessions, users};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::error::{Error, Result};

/// Session lifetime and the limits on password guessing.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub ttl: Duration,
    pub max_failures: i32,
    pub throttle_window: Duration,
}

impl SessionPolicy {
    pub fn from_config(config: &Config) -> Self {
        SessionPolicy {
            ttl: Duration::hours(config.session_ttl_hours as i64),
            max_failures: config.login_max_failures,
            throttle_window: Duration::minutes(config.login_throttle_minutes),
        }
    }

    /// A single address may fail more often than a single username: offices share one.
    fn max_failures_per_address(&self) -> i32 {
        self.max_failures.saturating_mul(4)
    }
}

/// A new session: the user and the secret that goes into the cookie (never stored).
pub struct SignedIn {
    pub user: User,
    pub secret: String,
}

/// Don't write `last_seen_at` on every request: once in this interval is enough to
/// keep an active session alive.
const TOUCH_INTERVAL_SECONDS: i64 = 300;

pub async fn login(
    db: &Db,
    policy: &SessionPolicy,
    username: &str,
    password_attempt: &str,
    client_ip: Option<IpAddr>,
) -> Result<SignedIn> {
    if username.trim().is_empty() {
        return Err(Error::invalid("username", "enter your username"));
    }
    if password_attempt.is_empty() {
        return Err(Error::invalid("password", "enter your password"));
    }
    let username = username.trim().to_lowercase();
    let throttle_keys = throttle_keys(&username, client_ip);

    let mut conn = db.get().await?;
    check_throttle(&mut conn, policy, &throttle_keys).await?;
    let user = super::users::find_by_username(&mut conn, &username).await?;
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    if !password::verify(password_attempt, stored_hash).await? {
        record_failure(&mut conn, policy, &throttle_keys).await?;
        return Err(Error::Unauthenticated("wrong username or password".into()));
    }
    let user = user.expect("a password matched, so the user exists");
    let secret = conn
        .transaction(async |conn| {
            let secret = start(conn, policy, user.id).await?;
            let user_key = &throttle_keys[0].0;
            db_run!(conn: {
                diesel::delete(login_throttle::table.filter(login_throttle::key.eq(user_key)))
                    .execute(conn)
                    .await?;
            });
            Ok(secret)
        })
        .await?;
    Ok(SignedIn { user, secret })
}

/// Opens a session for a user who proved who they are (a password, a code host) and
/// returns the secret for the cookie.
pub async fn start(conn: &mut DbConn, policy: &SessionPolicy, user_id: i64) -> Result<String> {
    let secret = secret::generate("pys");
    let now = db::now();
    let session = NewSession {
        user_id,
        token_hash: &secret::hash(&secret),
        created_at: now,
        expires_at: now + policy.ttl,
        last_seen_at: now,
    };
    db_run!(conn: {
        diesel::insert_into(sessions::table).values(&session).execute(conn).await?;
    });
    Ok(secret)
}

/// `(key, limit)` pairs: the username, and the client address when known.
fn throttle_keys(username: &str, client_ip: Option<IpAddr>) -> Vec<(String, bool)> {
    let mut keys = vec![(format!("user:{username}"), false)];
    if let Some(ip) = client_ip {
        keys.push((format!("ip:{ip}"), true));
    }
    keys
}

async fn check_throttle(
    conn: &mut DbConn,
    policy: &SessionPolicy,
    keys: &[(String, bool)],
) -> Result<()> {
    let now = db::now();
    let window_open_since = now - policy.throttle_window;
    for (key, is_address) in keys {
        let limit = if *is_address {
            policy.max_failures_per_address()
        } else {
            policy.max_failures
        };
        let row: Option<(i32, NaiveDateTime)> = db_run!(conn: {
            login_throttle::table
                .find(key)
                .select((login_throttle::failures, login_throttle::window_started_at))
                .first(conn)
                .await
                .optional()?
        });
        if let Some((failures, started)) = row
            && failures >= limit
            && started > window_open_since
        {
            let retry_after = (started + policy.throttle_window - now)
                .num_seconds()
                .max(1);
            return Err(Error::RateLimited {
                retry_after_seconds: retry_after as u64,
            });
        }
    }
    Ok(())
}

/// Counts a failure against every key. Atomic per key: concurrent failures all count.
async fn record_failure(
    conn: &mut DbConn,
    policy: &SessionPolicy,
    keys: &[(String, bool)],
) -> Result<()> {
    let now = db::now();
    let window_open_since = now - policy.throttle_window;
    conn.transaction(async |conn| {
        for (key, _) in keys {
            let counted = db_run!(conn: {
                diesel::update(
                    login_throttle::table
                        .find(key)
                        .filter(login_throttle::window_started_at.gt(window_open_since)),
                )
                .set(login_throttle::failures.eq(login_throttle::failures + 1))
                .execute(conn)
                .await?
            });
            if counted == 0 {
                db_run!(conn: {
                    diesel::insert_into(login_throttle::table)
                        .values((
                            login_throttle::key.eq(key),
                            login_throttle::failures.eq(1),
                            login_throttle::window_started_at.eq(now),
                        ))
                        .on_conflict(login_throttle::key)
                        .do_update()
                        .set((
                            login_throttle::failures.eq(excluded(login_throttle::failures)),
                            login_throttle::window_started_at
                                .eq(excluded(login_throttle::window_started_at)),
                        ))
                        .execute(conn)
                        .await?
                });
            }
        }
        Ok(())
    })
    .await
}

/// Ends the session the actor signed in with. Signing out with an API token is an error:
/// tokens are removed, not signed out.
pub async fn logout(db: &Db, actor: &Actor) -> Result<()> {
    let user = actor.user()?;
    let Credential::Session { session_id } = user.credential else {
        return Err(Error::invalid(
            "credential",
            "an API token cannot sign out; remove the token instead",
        ));
    };
    let mut conn = db.get().await?;
    db_run!(conn: {
        diesel::delete(sessions::table.find(session_id)).execute(conn).await?;
    });
    Ok(())
}

/// The actor behind a session cookie, or `None` when the session is unknown or expired
/// (the browser then simply counts as signed out).
pub async fn authenticate(db: &Db, cookie_secret: &str) -> Result<Option<Actor>> {
    let hash = secret::hash(cookie_secret);
    let now = db::now();
    let mut conn = db.get().await?;
    let found: Option<(Session, User)> = db_run!(conn: {
        sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(&hash))
            .filter(sessions::expires_at.gt(now))
            .select((Session::as_select(), User::as_select()))
            .first(conn)
            .await
            .optional()?
    });
    let Some((session, user)) = found else {
        return Ok(None);
    };
    if (now - session.last_seen_at).num_seconds() > TOUCH_INTERVAL_SECONDS {
        // Sliding expiry: an active session stays alive for another full lifetime.
        let lifetime = session.expires_at - session.last_seen_at;
        db_run!(conn: {
            diesel::update(sessions::table.find(session.id))
                .set((sessions::last_seen_at.eq(now), sessions::expires_at.eq(now + lifetime)))
                .execute(conn)
                .await?;
        });
    }
    Ok(Some(Actor::User(AuthenticatedUser {
        id: user.id,
        username: user.username,
        is_admin: user.is_admin,
        credential: Credential::Session {
            session_id: session.id,
        },
    })))
}

/// Deletes sessions and login throttles that have run out; returns how many sessions.
pub async fn purge_expired(conn: &mut DbConn, policy: &SessionPolicy) -> Result<usize> {
    let now = db::now();
    let stale_throttles_before = now - policy.throttle_window;
    Ok(db_run!(conn: {
        diesel::delete(login_throttle::table.filter(login_throttle::window_started_at.le(stale_throttles_before)))
            .execute(conn)
            .await?;
        // Sign-ins with a code host that were never completed.
        diesel::delete(oauth_states::table.filter(oauth_states::expires_at.le(now)))
            .execute(conn)
            .await?;
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now)))
            .execute(conn)
            .await?
    }))
}
