//! Organizations: the unit that owns packages, teams, tokens and customers.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::Actor;
use crate::db::rows::{Membership, NewMembership, NewOrganization, Organization, User};
use crate::db::schema::{memberships, organizations, users};
use crate::db::{self, Db, DbConn};
use crate::db_run;
use crate::domain::pagination::{Page, PageRequest};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }

    fn parse(stored: &str) -> Result<Role> {
        match stored {
            "owner" => Ok(Role::Owner),
            "member" => Ok(Role::Member),
            other => Err(Error::internal(anyhow::anyhow!(
                "unknown role {other:?} in the database"
            ))),
        }
    }
}

/// An organization as one actor sees it.
#[derive(Debug, Clone)]
pub struct VisibleOrganization {
    pub organization: Organization,
    /// The actor's role; `None` for an instance administrator who is not a member.
    pub role: Option<Role>,
}

/// These would shadow routes of our own if used as a `urlName`.
const RESERVED_URL_NAMES: &[&str] = &[
    "admin",
    "api",
    "assets",
    "graphql",
    "graphiql",
    "login",
    "logout",
    "new",
    "organizations",
    "orgs",
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
pub async fn create(
    db: &Db,
    actor: &Actor,
    name: &str,
    url_name: Option<&str>,
) -> Result<VisibleOrganization> {
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
                .values(&NewOrganization { name, url_name: &url_name, created_at: now })
                .returning(Organization::as_returning())
                .get_result(conn)
                .await?
        });
        let owner = NewMembership {
            organization_id: organization.id,
            user_id,
            role: Role::Owner.as_str(),
            created_at: now,
        };
        db_run!(conn: {
            diesel::insert_into(memberships::table).values(&owner).execute(conn).await?;
        });
        Ok(VisibleOrganization {
            organization,
            role: Some(Role::Owner),
        })
    })
    .await
}

/// The organization with this `urlName`, if the actor may see it: members and instance
/// administrators. To everyone else it does not exist.
pub async fn find_visible(
    conn: &mut DbConn,
    actor: &Actor,
    url_name: &str,
) -> Result<VisibleOrganization> {
    let organization = db_run!(conn: {
        organizations::table
            .filter(organizations::url_name.eq(url_name))
            .select(Organization::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("organization"))?;
    let role = match actor.user_id() {
        Some(user_id) => role_of(conn, organization.id, user_id).await?,
        None => None,
    };
    if role.is_none() && !actor.is_admin() {
        return Err(Error::NotFound("organization"));
    }
    Ok(VisibleOrganization { organization, role })
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

/// For changes: the organization as [`find_visible`] finds it, and the actor must own it
/// (or administer the instance). Members who may look but not change get `FORBIDDEN`.
pub async fn find_for_owner(
    conn: &mut DbConn,
    actor: &Actor,
    url_name: &str,
) -> Result<VisibleOrganization> {
    let organization = find_visible(conn, actor, url_name).await?;
    if organization.role == Some(Role::Owner) || actor.is_admin() {
        Ok(organization)
    } else {
        Err(Error::Forbidden(
            "only owners of the organization may do this".into(),
        ))
    }
}

pub async fn role_of(
    conn: &mut DbConn,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<Role>> {
    let stored: Option<String> = db_run!(conn: {
        memberships::table
            .filter(memberships::organization_id.eq(organization_id))
            .filter(memberships::user_id.eq(user_id))
            .select(memberships::role)
            .first(conn)
            .await
            .optional()?
    });
    stored.as_deref().map(Role::parse).transpose()
}

/// The organizations a user belongs to. Users see their own list; admins anyone's.
pub async fn list_for_user(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    page: PageRequest,
) -> Result<Page<VisibleOrganization>> {
    if actor.user_id() != Some(user_id) && !actor.is_admin() {
        return Err(Error::NotFound("user"));
    }
    let (rows, total): (Vec<(Organization, String)>, i64) = db_run!(conn: {
        let rows = organizations::table
            .inner_join(memberships::table)
            .filter(memberships::user_id.eq(user_id))
            .filter(organizations::id.gt(page.after()))
            .order(organizations::id.asc())
            .limit(page.limit())
            .select((Organization::as_select(), memberships::role))
            .load(conn)
            .await?;
        let total = memberships::table
            .filter(memberships::user_id.eq(user_id))
            .count()
            .get_result(conn)
            .await?;
        (rows, total)
    });
    let rows = rows
        .into_iter()
        .map(|(organization, role)| {
            Ok(VisibleOrganization {
                organization,
                role: Some(Role::parse(&role)?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(page, rows, total, |org| {
        org.organization.id
    }))
}

/// Members of an organization the actor can already see (see [`find_visible`]).
pub async fn members(
    conn: &mut DbConn,
    organization: &VisibleOrganization,
    page: PageRequest,
) -> Result<Page<(Membership, User, Role)>> {
    let organization_id = organization.organization.id;
    let (rows, total): (Vec<(Membership, User)>, i64) = db_run!(conn: {
        let rows = memberships::table
            .inner_join(users::table)
            .filter(memberships::organization_id.eq(organization_id))
            .filter(memberships::id.gt(page.after()))
            .order(memberships::id.asc())
            .limit(page.limit())
            .select((Membership::as_select(), User::as_select()))
            .load(conn)
            .await?;
        let total = memberships::table
            .filter(memberships::organization_id.eq(organization_id))
            .count()
            .get_result(conn)
            .await?;
        (rows, total)
    });
    let rows = rows
        .into_iter()
        .map(|(membership, user)| {
            let role = Role::parse(&membership.role)?;
            Ok((membership, user, role))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(page, rows, total, |(membership, _, _)| {
        membership.id
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
