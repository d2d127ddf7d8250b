//! Reading the actor off an HTTP request: a `Bearer` API token, else the session cookie,
//! else anonymous. A bearer token that is wrong is an error, never a silent fallback to
//! anonymous, so that a client with a revoked token learns it at once.

use std::net::IpAddr;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum_extra::extract::cookie::CookieJar;
use cookie::{Cookie, SameSite};

use crate::auth::Actor;
use crate::db::Db;
use crate::domain::{api_tokens, organization_tokens, sessions};
use crate::error::{Error, Result};

pub const SESSION_COOKIE: &str = "packyard_session";

/// What the API layer knows about a request before any resolver runs.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub actor: Actor,
    pub client_ip: Option<IpAddr>,
    /// Whether cookies we set must be `Secure` (Packyard is served over https).
    pub secure_cookies: bool,
}

pub async fn actor_from_headers(db: &Db, headers: &HeaderMap) -> Result<Actor> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| Error::Unauthenticated("malformed Authorization header".into()))?;
        let token = bearer_token(value).ok_or_else(|| {
            Error::Unauthenticated("the Authorization header must be `Bearer <token>`".into())
        })?;
        if organization_tokens::is_token_secret(token) {
            // Organization tokens read what their repository shows, through the API too.
            return match organization_tokens::authenticate(db, None, token).await? {
                Some((holder, _)) => Ok(Actor::OrganizationToken(holder)),
                None => Err(Error::Unauthenticated(
                    "invalid, expired or removed token".into(),
                )),
            };
        }
        return api_tokens::authenticate(db, token).await;
    }
    let jar = CookieJar::from_headers(headers);
    if let Some(cookie) = jar.get(SESSION_COOKIE)
        && let Some(actor) = sessions::authenticate(db, cookie.value()).await?
    {
        return Ok(actor);
    }
    Ok(Actor::Anonymous)
}

fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

pub fn session_cookie(secret: &str, max_age: chrono::Duration, secure: bool) -> String {
    Cookie::build((SESSION_COOKIE, secret.to_owned()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(cookie_duration(max_age))
        .build()
        .to_string()
}

pub fn expired_session_cookie(secure: bool) -> String {
    Cookie::build((SESSION_COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(cookie_duration(chrono::Duration::zero()))
        .build()
        .to_string()
}

fn cookie_duration(duration: chrono::Duration) -> cookie::time::Duration {
    cookie::time::Duration::seconds(duration.num_seconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let cookie = session_cookie("s3cret", chrono::Duration::hours(1), true);
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Lax"));
        assert!(cookie.contains("Secure"));
        assert!(cookie.contains("Max-Age=3600"));
    }
}
