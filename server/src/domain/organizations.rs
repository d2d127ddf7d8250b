//! Organizations: the unit that owns packages, teams, tokens and customers.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::db::rows::{NewMembership, NewOrganization, Organization};
use crate::db::schema::{memberships, organizations};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::access::{self, Access};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::teams;
use crate::error::{Error, Result};

/// The actor's standing in an organization, as shown to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Member,
}

impl Role {
    /// `None` for those who see the organization without being a member (instance
    /// administrators, tokens).
    pub fn of(access: &Access) -> Option<Role> {
        match (access.member, access.owner && !access.is_suborganization()) {
            (true, true) => Some(Role::Owner),
            (true, false) => Some(Role::Member),
            (false, _) => None,
        }
    }
}

/// These would shadow routes of our own if used as a `urlName`.
const RESERVED_URL_NAMES: &[&str] = &[
    "admin",
    "api",
    "assets",
    // A customer's repository: /<organization>/customers/<customer>/.
    "customers",
    "graphql",
    "graphiql",
    "login",
    "logout",
    "new",
    "organizations",
    "orgs",
    "dists",
    "downloads",
    "p2",
    "packages",
    "settings",
    "static",
];

/// A `urlName` is 2–40 of `a-z 0-9 -`, starting and ending with a letter or digit.
pub fn validate_url_name(url_name: &str) -> Result<()> {
    let chars_ok = url_name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let ends_ok = !url_name.starts_with('-') && !url_name.ends_with('-');
    if !(2..=40).contains(&url_name.len()) || !chars_ok || !ends_ok {
        return Err(Error::invalid(
            "urlName",
            "use 2 to 40 lower-case letters, digits and dashes, starting and ending with a letter or digit",
        ));
    }
    if RESERVED_URL_NAMES.contains(&url_name) {
        return Err(Error::invalid(
            "urlName",
            format!("{url_name:?} is reserved"),
        ));
    }
    Ok(())
}

/// `"ACME Corp."` → `"acme-corp"`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.truncate(40);
    slug.trim_end_matches('-').to_owned()
}

/// Creates an organization owned by the acting user.
pub async fn create(db: &Db, actor: &Actor, name: &str, url_name: Option<&str>) -> Result<Access> {
    let user = actor.user()?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid(
            "name",
            "the name must have 1 to 100 characters",
        ));
    }
    let url_name = match url_name.map(str::trim).filter(|u| !u.is_empty()) {
        Some(given) => given.to_owned(),
        None => slugify(name),
    };
    validate_url_name(&url_name)?;
    let user_id = user.id;
    db.transaction(async |conn| {
        let taken: i64 = db_run!(conn: {
            organizations::table
                .filter(organizations::url_name.eq(&url_name))
                .count()
                .get_result(conn)
                .await?
        });
        if taken > 0 {
            return Err(Error::conflict("urlName", "this URL name is taken"));
        }
        let now = db::now();
        let organization = db_run!(conn: {
            diesel::insert_into(organizations::table)
                .values(&NewOrganization { name, url_name: &url_name, created_at: now, parent_id: None })
                .returning(Organization::as_returning())
                .get_result(conn)
                .await?
        });
        let membership = NewMembership {
            organization_id: organization.id,
            user_id,
            created_at: now,
        };
        db_run!(conn: {
            diesel::insert_into(memberships::table).values(&membership).execute(conn).await?;
        });
        teams::create_owners_team(conn, organization.id, user_id).await?;
        access::resolve_by_id(conn, actor, organization.id).await
    })
    .await
}

/// The organization with this `urlName`, if the actor may see it (see `access`).
pub async fn find_visible(conn: &mut DbConn, actor: &Actor, url_name: &str) -> Result<Access> {
    access::resolve(conn, actor, url_name, None).await
}

/// For changes: the organization as [`find_visible`] finds it, and the actor must own it
/// (or administer the instance). Members who may look but not change get `FORBIDDEN`.
pub async fn find_for_owner(conn: &mut DbConn, actor: &Actor, url_name: &str) -> Result<Access> {
    let access = find_visible(conn, actor, url_name).await?;
    access.require_user()?;
    access.require_owner()?;
    Ok(access)
}

/// The organization with this `urlName`, whoever asks: for the Composer endpoints, which
/// authorize with tokens of the organization itself.
pub async fn find_by_url_name(conn: &mut DbConn, url_name: &str) -> Result<Option<Organization>> {
    Ok(db_run!(conn: {
        organizations::table
            .filter(organizations::url_name.eq(url_name))
            .select(Organization::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// The top-level organizations a user belongs to, with the actor's access to each.
/// Users see their own list; admins anyone's.
pub async fn list_for_user(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    page: PageRequest,
) -> Result<Page<Access>> {
    if actor.user_id() != Some(user_id) && !actor.is_admin() {
        return Err(Error::NotFound("user"));
    }
    let (rows, total): (Vec<Organization>, i64) = db_run!(conn: {
        let rows = organizations::table
            .inner_join(memberships::table)
            .filter(memberships::user_id.eq(user_id))
            .filter(organizations::id.gt(page.after()))
            .order(organizations::id.asc())
            .limit(page.limit())
            .select(Organization::as_select())
            .load(conn)
            .await?;
        let total = memberships::table
            .filter(memberships::user_id.eq(user_id))
            .count()
            .get_result(conn)
            .await?;
        (rows, total)
    });
    let mut visible = Vec::with_capacity(rows.len());
    for organization in rows {
        visible.push(access::resolve_by_id(conn, actor, organization.id).await?);
    }
    Ok(Page::from_rows(page, visible, total, |access| {
        access.organization.id
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_names_are_slugs_and_not_reserved() {
        assert_eq!(slugify("ACME Corp. (EU)"), "acme-corp-eu");
        assert_eq!(slugify("  --Hello--World-- "), "hello-world");
        assert!(validate_url_name("acme-corp").is_ok());
        for bad in [
            "a",
            "-acme",
            "acme-",
            "Acme",
            "ac me",
            "graphql",
            &"a".repeat(41),
        ] {
            assert_eq!(
                validate_url_name(bad).unwrap_err().field(),
                Some("urlName"),
                "{bad}"
            );
        }
    }
}
