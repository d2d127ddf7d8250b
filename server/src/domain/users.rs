//! Users of this Packyard instance.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::{Actor, password};
use crate::db::rows::{NewUser, User};
use crate::db::schema::{sessions, users};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::error::{Error, Result};

/// The account a fresh installation starts with.
pub const FIRST_ADMIN: &str = "admin";

pub struct NewUserInput<'a> {
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub password: &'a str,
    pub is_admin: bool,
}

/// Usernames are case-insensitive: stored lower-case, 2–40 of `a-z 0-9 . _ -`,
/// starting with a letter or digit (they appear in URLs and token strings).
pub fn normalize_username(field: &str, raw: &str) -> Result<String> {
    let username = raw.trim().to_lowercase();
    let valid_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let starts_well = username
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !(2..=40).contains(&username.len()) || !valid_chars || !starts_well {
        return Err(Error::invalid(
            field,
            "a username has 2 to 40 letters, digits, dots, dashes or underscores and starts with a letter or digit",
        ));
    }
    Ok(username)
}

fn normalize_email(field: &str, raw: &str) -> Result<String> {
    let email = raw.trim().to_lowercase();
    let well_formed = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    if !well_formed {
        return Err(Error::invalid(field, "not an email address"));
    }
    Ok(email)
}

/// Creates a user. Instance administrators only.
pub async fn create(db: &Db, actor: &Actor, input: NewUserInput<'_>) -> Result<User> {
    actor.require_admin()?;
    let username = normalize_username("username", input.username)?;
    let email = input
        .email
        .filter(|email| !email.trim().is_empty())
        .map(|email| normalize_email("email", email))
        .transpose()?;
    password::validate("password", input.password)?;
    let password_hash = password::hash(input.password).await?;
    db.transaction(async |conn| {
        insert(
            conn,
            &username,
            email.as_deref(),
            &password_hash,
            input.is_admin,
        )
        .await
    })
    .await
}

async fn insert(
    conn: &mut DbConn,
    username: &str,
    email: Option<&str>,
    password_hash: &str,
    is_admin: bool,
) -> Result<User> {
    let taken = db_run!(conn: {
        users::table
            .filter(users::username.eq(username))
            .or_filter(users::email.eq(email.unwrap_or_default()))
            .select(users::username)
            .first::<String>(conn)
            .await
            .optional()?
    });
    if let Some(existing) = taken {
        return Err(if existing == username {
            Error::conflict("username", "this username is taken")
        } else {
            Error::conflict("email", "this email address belongs to another user")
        });
    }
    let now = db::now();
    let row = NewUser {
        username,
        email,
        password_hash: Some(password_hash),
        is_admin,
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

pub async fn find(conn: &mut DbConn, id: i64) -> Result<User> {
    db_run!(conn: {
        users::table
            .find(id)
            .select(User::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or(Error::NotFound("user"))
    })
}

pub async fn find_by_username(conn: &mut DbConn, username: &str) -> Result<Option<User>> {
    let username = username.trim().to_lowercase();
    Ok(db_run!(conn: {
        users::table
            .filter(users::username.eq(&username))
            .select(User::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// Sets a new password and ends every session of the user: whoever knew the old
/// password must not stay signed in. Instance administrators only.
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    username: &str,
    new_password: &str,
) -> Result<()> {
    actor.require_admin()?;
    password::validate("password", new_password)?;
    let password_hash = password::hash(new_password).await?;
    db.transaction(async |conn| {
        let user = find_by_username(conn, username)
            .await?
            .ok_or(Error::NotFound("user"))?;
        let now = db::now();
        db_run!(conn: {
            diesel::update(users::table.find(user.id))
                .set((users::password_hash.eq(&password_hash), users::updated_at.eq(now)))
                .execute(conn)
                .await?;
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id)))
                .execute(conn)
                .await?;
        });
        Ok(())
    })
    .await
}

/// On an empty database, creates the first administrator with a random password and
/// returns the credentials to show once. Returns `None` when users exist (also when
/// another replica created the administrator a moment earlier).
pub async fn bootstrap_admin(db: &Db) -> Result<Option<(String, String)>> {
    let generated = password::generate();
    let password_hash = password::hash(&generated).await?;
    let created = db
        .transaction(async |conn| {
            let existing: i64 = db_run!(conn: { users::table.count().get_result(conn).await? });
            if existing > 0 {
                return Ok(false);
            }
            insert(conn, FIRST_ADMIN, None, &password_hash, true).await?;
            Ok(true)
        })
        .await;
    match created {
        Ok(true) => Ok(Some((FIRST_ADMIN.to_owned(), generated))),
        Ok(false) | Err(Error::Conflict { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalized_and_checked() {
        assert_eq!(normalize_username("u", "  Alice.B ").unwrap(), "alice.b");
        for bad in ["a", "-alice", "al ice", "ålice", &"x".repeat(41)] {
            assert_eq!(normalize_username("u", bad).unwrap_err().field(), Some("u"));
        }
    }

    #[test]
    fn emails_are_checked() {
        assert_eq!(
            normalize_email("e", "A@Example.COM").unwrap(),
            "a@example.com"
        );
        for bad in ["nope", "@example.com", "a@b", "a b@example.com"] {
            assert!(normalize_email("e", bad).is_err(), "{bad}");
        }
    }
}
