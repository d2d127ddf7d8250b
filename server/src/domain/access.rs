//! Who may do what. One function turns an actor and an organization (or one of its
//! suborganizations) into an [`Access`]; every domain function asks it before it reads
//! or writes, whether the request came through GraphQL, the Composer endpoints or a REST
//! shim.
//!
//! Rules, after Private Packagist:
//! - An organization's owners (members of its owners team) and instance administrators
//!   may do everything, in the organization and in all its suborganizations.
//! - Other members have the union of the permission flags of their teams, and see the
//!   packages granted to their teams (all packages when a team has access to all).
//!   `canEditTeamPackages` lets them change the packages their team has.
//! - A suborganization is seen by the teams given a permission on it: `owner` manages it
//!   (packages, tokens, its teams), `view` sees its packages.
//! - An organization token sees its organization's packages (or its team's) and nothing
//!   else; an UPDATE token may also ask for package updates.
//! - Objects the actor may not see do not exist for them (`NOT_FOUND`); visible objects
//!   they may not change answer `FORBIDDEN`.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::auth::{Actor, TokenAccess, TokenHolder};
use crate::db::DbConn;
use crate::db::rows::{Organization, Team};
use crate::db::schema::{memberships, organizations, suborganization_teams, team_members, teams};
use crate::db_run;
use crate::error::{Error, Result};

/// The five team permission flags, with the bit values of the Private Packagist API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TeamPermissions {
    pub can_edit_team_packages: bool,
    pub can_add_packages: bool,
    pub can_create_suborganizations: bool,
    pub can_view_vendor_customers: bool,
    pub can_manage_vendor_customers: bool,
}

impl TeamPermissions {
    pub const EDIT_TEAM_PACKAGES: i32 = 1;
    pub const ADD_PACKAGES: i32 = 2;
    pub const CREATE_SUBORGANIZATIONS: i32 = 4;
    pub const VIEW_VENDOR_CUSTOMERS: i32 = 8;
    pub const MANAGE_VENDOR_CUSTOMERS: i32 = 16;

    pub const ALL: TeamPermissions = TeamPermissions {
        can_edit_team_packages: true,
        can_add_packages: true,
        can_create_suborganizations: true,
        can_view_vendor_customers: true,
        can_manage_vendor_customers: true,
    };

    pub fn from_bits(bits: i32) -> Result<TeamPermissions> {
        if !(0..32).contains(&bits) {
            return Err(Error::invalid(
                "permissionBits",
                "permission bits are a sum of 1, 2, 4, 8 and 16",
            ));
        }
        Ok(TeamPermissions {
            can_edit_team_packages: bits & Self::EDIT_TEAM_PACKAGES != 0,
            can_add_packages: bits & Self::ADD_PACKAGES != 0,
            can_create_suborganizations: bits & Self::CREATE_SUBORGANIZATIONS != 0,
            can_view_vendor_customers: bits & Self::VIEW_VENDOR_CUSTOMERS != 0,
            can_manage_vendor_customers: bits & Self::MANAGE_VENDOR_CUSTOMERS != 0,
        })
    }

    pub fn bits(self) -> i32 {
        [
            (self.can_edit_team_packages, Self::EDIT_TEAM_PACKAGES),
            (self.can_add_packages, Self::ADD_PACKAGES),
            (
                self.can_create_suborganizations,
                Self::CREATE_SUBORGANIZATIONS,
            ),
            (self.can_view_vendor_customers, Self::VIEW_VENDOR_CUSTOMERS),
            (
                self.can_manage_vendor_customers,
                Self::MANAGE_VENDOR_CUSTOMERS,
            ),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, bit)| bit)
        .sum()
    }

    pub fn of_team(team: &Team) -> TeamPermissions {
        if team.is_owners {
            return TeamPermissions::ALL;
        }
        TeamPermissions {
            can_edit_team_packages: team.can_edit_team_packages,
            can_add_packages: team.can_add_packages,
            can_create_suborganizations: team.can_create_suborganizations,
            // Managing customers includes seeing them.
            can_view_vendor_customers: team.can_view_vendor_customers
                || team.can_manage_vendor_customers,
            can_manage_vendor_customers: team.can_manage_vendor_customers,
        }
    }

    fn union(self, other: TeamPermissions) -> TeamPermissions {
        TeamPermissions {
            can_edit_team_packages: self.can_edit_team_packages || other.can_edit_team_packages,
            can_add_packages: self.can_add_packages || other.can_add_packages,
            can_create_suborganizations: self.can_create_suborganizations
                || other.can_create_suborganizations,
            can_view_vendor_customers: self.can_view_vendor_customers
                || other.can_view_vendor_customers,
            can_manage_vendor_customers: self.can_manage_vendor_customers
                || other.can_manage_vendor_customers,
        }
    }

    pub fn has(self, permission: Permission) -> bool {
        match permission {
            Permission::EditTeamPackages => self.can_edit_team_packages,
            Permission::AddPackages => self.can_add_packages,
            Permission::CreateSuborganizations => self.can_create_suborganizations,
            Permission::ViewVendorCustomers => self.can_view_vendor_customers,
            Permission::ManageVendorCustomers => self.can_manage_vendor_customers,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    EditTeamPackages,
    AddPackages,
    CreateSuborganizations,
    ViewVendorCustomers,
    ManageVendorCustomers,
}

impl Permission {
    fn describe(self) -> &'static str {
        match self {
            Permission::EditTeamPackages => "edit team packages",
            Permission::AddPackages => "add packages",
            Permission::CreateSuborganizations => "create suborganizations",
            Permission::ViewVendorCustomers => "view vendor customers",
            Permission::ManageVendorCustomers => "manage vendor customers",
        }
    }
}

/// Which packages of the scope an actor reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageScope {
    All,
    /// Those granted to these teams (possibly none).
    Teams(Vec<i64>),
    /// Access to all packages: every package except those a synchronization brought,
    /// whose access follows the code host's permissions (granted to these teams by the
    /// synchronization, or by hand).
    AllButSynchronized(Vec<i64>),
}

/// Narrows a boxed query of `packages` to those `scope` reaches. A macro, as `db_run!` is:
/// a boxed query belongs to one backend, and the body that builds it is compiled once per
/// backend.
#[macro_export]
macro_rules! packages_in_scope {
    ($query:expr, $scope:expr) => {{
        use $crate::db::schema::{packages, team_packages};
        use $crate::domain::access::PackageScope;
        let query = $query;
        match $scope {
            PackageScope::All => query,
            PackageScope::Teams(team_ids) => query.filter(
                packages::id.eq_any(
                    team_packages::table
                        .filter(team_packages::team_id.eq_any(team_ids.clone()))
                        .select(team_packages::package_id),
                ),
            ),
            PackageScope::AllButSynchronized(team_ids) => query.filter(
                packages::synchronization_id
                    .is_null()
                    .or(packages::id.eq_any(
                        team_packages::table
                            .filter(team_packages::team_id.eq_any(team_ids.clone()))
                            .select(team_packages::package_id),
                    )),
            ),
        }
    }};
}

impl PackageScope {
    /// A stable name for caches of what this scope sees.
    pub fn cache_key(&self) -> String {
        match self {
            PackageScope::All => "all".to_owned(),
            PackageScope::Teams(ids) => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("teams:{}", ids.join(","))
            }
            PackageScope::AllButSynchronized(ids) => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("unsynchronized+teams:{}", ids.join(","))
            }
        }
    }
}

/// A suborganization permission of a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SuborganizationPermission {
    View,
    Owner,
}

impl SuborganizationPermission {
    pub fn as_str(self) -> &'static str {
        match self {
            SuborganizationPermission::View => "view",
            SuborganizationPermission::Owner => "owner",
        }
    }

    pub fn parse(stored: &str) -> Result<SuborganizationPermission> {
        match stored {
            "view" => Ok(SuborganizationPermission::View),
            "owner" => Ok(SuborganizationPermission::Owner),
            other => Err(Error::invalid(
                "permission",
                format!("{other:?} is not a suborganization permission (owner or view)"),
            )),
        }
    }
}

/// What one actor may do in one organization or suborganization.
#[derive(Debug, Clone)]
pub struct Access {
    /// The scope: the organization, or the suborganization asked for.
    pub organization: Organization,
    /// The top-level organization: the scope itself, or the suborganization's parent.
    pub root: Organization,
    /// Full control of the scope.
    pub owner: bool,
    /// Whether the actor is a member of the root organization (false for tokens and for
    /// administrators who are not members).
    pub member: bool,
    pub permissions: TeamPermissions,
    pub readable: PackageScope,
    /// Packages the actor may change (beyond those they could add).
    pub editable: PackageScope,
    /// The actor's teams in the root organization.
    pub team_ids: Vec<i64>,
    /// Set when the actor is an organization token.
    pub token: Option<TokenHolder>,
    pub user_id: Option<i64>,
}

impl Access {
    pub fn is_suborganization(&self) -> bool {
        self.organization.parent_id.is_some()
    }

    pub fn require_owner(&self) -> Result<()> {
        if self.owner {
            Ok(())
        } else if self.is_suborganization() {
            Err(Error::Forbidden(
                "only owners of the suborganization may do this".into(),
            ))
        } else {
            Err(Error::Forbidden(
                "only owners of the organization may do this".into(),
            ))
        }
    }

    /// The permission flag (owners have them all). Flags come from teams of the root
    /// organization and apply to it; in a suborganization, its owners may add packages.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.owner || self.permissions.has(permission) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "this needs the permission to {}",
                permission.describe()
            )))
        }
    }

    pub fn has(&self, permission: Permission) -> bool {
        self.require(permission).is_ok()
    }

    /// Members (and administrators) may use the management API; tokens only read.
    pub fn require_user(&self) -> Result<()> {
        match self.token {
            Some(_) => Err(Error::Forbidden(
                "organization tokens may not change the organization".into(),
            )),
            None => Ok(()),
        }
    }

    /// Whether the actor sees this package of the scope.
    pub async fn can_read_package(&self, conn: &mut DbConn, package_id: i64) -> Result<bool> {
        scope_contains(conn, &self.readable, package_id).await
    }

    pub async fn can_edit_package(&self, conn: &mut DbConn, package_id: i64) -> Result<bool> {
        if self.token.is_some() {
            return Ok(false);
        }
        scope_contains(conn, &self.editable, package_id).await
    }

    /// Asking for an update of a package (re-reading its source): whoever may edit it,
    /// and UPDATE tokens for the packages they see.
    pub async fn can_update_package(&self, conn: &mut DbConn, package_id: i64) -> Result<bool> {
        match &self.token {
            Some(token) if token.access == TokenAccess::Update => {
                self.can_read_package(conn, package_id).await
            }
            Some(_) => Ok(false),
            None => self.can_edit_package(conn, package_id).await,
        }
    }
}

async fn scope_contains(conn: &mut DbConn, scope: &PackageScope, package_id: i64) -> Result<bool> {
    use crate::db::schema::{packages, team_packages};
    let team_ids = match scope {
        PackageScope::All => return Ok(true),
        PackageScope::Teams(ids) if ids.is_empty() => return Ok(false),
        PackageScope::Teams(ids) => ids,
        PackageScope::AllButSynchronized(ids) => {
            let synchronized: Option<Option<i64>> = db_run!(conn: {
                packages::table
                    .find(package_id)
                    .select(packages::synchronization_id)
                    .first(conn)
                    .await
                    .optional()?
            });
            if !matches!(synchronized, Some(Some(_))) {
                return Ok(true);
            }
            ids
        }
    };
    let found: i64 = db_run!(conn: {
        team_packages::table
            .filter(team_packages::package_id.eq(package_id))
            .filter(team_packages::team_id.eq_any(team_ids))
            .count()
            .get_result(conn)
            .await?
    });
    Ok(found > 0)
}

/// What these teams (of one organization) see together: everything with the owners
/// team, all but synchronized packages with access to all packages, else their grants.
/// Their members and their tokens see the same.
pub async fn scope_of_teams(conn: &mut DbConn, team_ids: &[i64]) -> Result<PackageScope> {
    if team_ids.is_empty() {
        return Ok(PackageScope::Teams(Vec::new()));
    }
    let teams: Vec<Team> = db_run!(conn: {
        teams::table
            .filter(teams::id.eq_any(team_ids))
            .select(Team::as_select())
            .load(conn)
            .await?
    });
    Ok(package_scope(teams.iter()))
}

/// What `teams` reach together: everything through the owners team, every package but the
/// synchronized ones through access to all packages, else the packages granted to them.
fn package_scope<'a>(teams: impl Iterator<Item = &'a Team> + Clone) -> PackageScope {
    let team_ids = || teams.clone().map(|team| team.id).collect();
    if teams.clone().any(|team| team.is_owners) {
        PackageScope::All
    } else if teams.clone().any(|team| team.access_to_all_packages) {
        PackageScope::AllButSynchronized(team_ids())
    } else {
        PackageScope::Teams(team_ids())
    }
}

/// The top-level organization with this `urlName`, whoever asks.
pub async fn find_root(conn: &mut DbConn, url_name: &str) -> Result<Option<Organization>> {
    Ok(db_run!(conn: {
        organizations::table
            .filter(organizations::url_name.eq(url_name))
            .filter(organizations::parent_id.is_null())
            .select(Organization::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// The suborganization `name` of `root`, whoever asks.
pub async fn find_suborganization(
    conn: &mut DbConn,
    root: &Organization,
    name: &str,
) -> Result<Option<Organization>> {
    let url_name = format!("{}/{}", root.url_name, name);
    let root_id = root.id;
    Ok(db_run!(conn: {
        organizations::table
            .filter(organizations::url_name.eq(&url_name))
            .filter(organizations::parent_id.eq(root_id))
            .select(Organization::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// The actor's access to organization `url_name`, or to its suborganization
/// `suborganization` when given. Whoever may not see it gets `NOT_FOUND` (anonymous
/// callers `UNAUTHENTICATED`), the same as for a name that does not exist.
pub async fn resolve(
    conn: &mut DbConn,
    actor: &Actor,
    url_name: &str,
    suborganization: Option<&str>,
) -> Result<Access> {
    if matches!(actor, Actor::Anonymous) {
        return Err(Error::unauthenticated());
    }
    let root = find_root(conn, url_name)
        .await?
        .ok_or(Error::NotFound("organization"))?;
    let root_access = for_root(conn, actor, root).await?;
    match suborganization {
        None => own_scope(root_access),
        Some(name) => {
            let scope = find_suborganization(conn, &root_access.root, name)
                .await?
                .ok_or(Error::NotFound("suborganization"))?;
            within_suborganization(conn, root_access, scope).await
        }
    }
}

/// The actor's access to an organization row they reached by id (a job's, a package's):
/// the same rules as [`resolve`].
pub async fn resolve_by_id(
    conn: &mut DbConn,
    actor: &Actor,
    organization_id: i64,
) -> Result<Access> {
    if matches!(actor, Actor::Anonymous) {
        return Err(Error::unauthenticated());
    }
    let scope: Organization = db_run!(conn: {
        organizations::table
            .find(organization_id)
            .select(Organization::as_select())
            .first(conn)
            .await
            .optional()?
    })
    .ok_or(Error::NotFound("organization"))?;
    match scope.parent_id {
        None => own_scope(for_root(conn, actor, scope).await?),
        Some(parent_id) => {
            let root: Organization = db_run!(conn: {
                organizations::table
                    .find(parent_id)
                    .select(Organization::as_select())
                    .first(conn)
                    .await?
            });
            let root_access = for_root(conn, actor, root).await?;
            within_suborganization(conn, root_access, scope).await
        }
    }
}

/// The actor's access to the organization that owns an object (a team, a token, a
/// credential…); to whoever may not see that organization, the object does not exist.
pub async fn resolve_owner_of(
    conn: &mut DbConn,
    actor: &Actor,
    organization_id: i64,
    object: &'static str,
) -> Result<Access> {
    match resolve_by_id(conn, actor, organization_id).await {
        Err(Error::NotFound(_)) => Err(Error::NotFound(object)),
        other => other,
    }
}

async fn for_root(conn: &mut DbConn, actor: &Actor, root: Organization) -> Result<Access> {
    let everything = |root: Organization, member: bool, team_ids: Vec<i64>, user_id| Access {
        organization: root.clone(),
        root,
        owner: true,
        member,
        permissions: TeamPermissions::ALL,
        readable: PackageScope::All,
        editable: PackageScope::All,
        team_ids,
        token: None,
        user_id,
    };
    match actor {
        Actor::Anonymous => Err(Error::unauthenticated()),
        Actor::System => Ok(everything(root, false, Vec::new(), None)),
        Actor::OrganizationToken(holder) => {
            // A token belongs to one organization or suborganization; the suborganization
            // check happens in `within_suborganization`.
            if holder.organization_id != root.id
                && !is_suborganization_of(conn, holder.organization_id, root.id).await?
            {
                return Err(Error::NotFound("organization"));
            }
            let readable = match holder.team_id {
                Some(team_id) => scope_of_teams(conn, &[team_id]).await?,
                None => PackageScope::All,
            };
            Ok(Access {
                organization: root.clone(),
                root,
                owner: false,
                member: false,
                permissions: TeamPermissions::default(),
                readable,
                editable: PackageScope::Teams(Vec::new()),
                team_ids: Vec::new(),
                token: Some(holder.clone()),
                user_id: None,
            })
        }
        Actor::User(user) => {
            let root_id = root.id;
            let user_id = user.id;
            let member: i64 = db_run!(conn: {
                memberships::table
                    .filter(memberships::organization_id.eq(root_id))
                    .filter(memberships::user_id.eq(user_id))
                    .count()
                    .get_result(conn)
                    .await?
            });
            let teams: Vec<Team> = if member > 0 {
                db_run!(conn: {
                    teams::table
                        .inner_join(team_members::table)
                        .filter(teams::organization_id.eq(root_id))
                        .filter(team_members::user_id.eq(user_id))
                        .select(Team::as_select())
                        .load(conn)
                        .await?
                })
            } else {
                Vec::new()
            };
            let team_ids: Vec<i64> = teams.iter().map(|team| team.id).collect();
            if user.is_admin || teams.iter().any(|team| team.is_owners) {
                return Ok(everything(root, member > 0, team_ids, Some(user_id)));
            }
            if member == 0 {
                return Err(Error::NotFound("organization"));
            }
            let permissions = teams
                .iter()
                .map(TeamPermissions::of_team)
                .fold(TeamPermissions::default(), TeamPermissions::union);
            let readable = package_scope(teams.iter());
            let editable = package_scope(teams.iter().filter(|team| team.can_edit_team_packages));
            Ok(Access {
                organization: root.clone(),
                root,
                owner: false,
                member: true,
                permissions,
                readable,
                editable,
                team_ids,
                token: None,
                user_id: Some(user_id),
            })
        }
    }
}

/// A suborganization's token reaches its parent only on the way to the suborganization.
fn own_scope(access: Access) -> Result<Access> {
    match &access.token {
        Some(token) if token.organization_id != access.organization.id => {
            Err(Error::NotFound("organization"))
        }
        _ => Ok(access),
    }
}

async fn is_suborganization_of(
    conn: &mut DbConn,
    organization_id: i64,
    root_id: i64,
) -> Result<bool> {
    let found: i64 = db_run!(conn: {
        organizations::table
            .filter(organizations::id.eq(organization_id))
            .filter(organizations::parent_id.eq(root_id))
            .count()
            .get_result(conn)
            .await?
    });
    Ok(found > 0)
}

async fn within_suborganization(
    conn: &mut DbConn,
    root_access: Access,
    scope: Organization,
) -> Result<Access> {
    let base = Access {
        organization: scope,
        ..root_access
    };
    if let Some(token) = &base.token {
        // Tokens of the parent do not open a suborganization, nor the other way round.
        if token.organization_id != base.organization.id {
            return Err(Error::NotFound("suborganization"));
        }
        return Ok(Access {
            readable: PackageScope::All,
            ..base
        });
    }
    if base.owner {
        return Ok(base);
    }
    let scope_id = base.organization.id;
    let team_ids = base.team_ids.clone();
    let granted: Vec<String> = db_run!(conn: {
        suborganization_teams::table
            .filter(suborganization_teams::suborganization_id.eq(scope_id))
            .filter(suborganization_teams::team_id.eq_any(&team_ids))
            .select(suborganization_teams::permission)
            .load(conn)
            .await?
    });
    let best = granted
        .iter()
        .filter_map(|stored| SuborganizationPermission::parse(stored).ok())
        .max()
        .ok_or(Error::NotFound("suborganization"))?;
    Ok(match best {
        SuborganizationPermission::Owner => Access {
            owner: true,
            permissions: TeamPermissions::ALL,
            readable: PackageScope::All,
            editable: PackageScope::All,
            ..base
        },
        SuborganizationPermission::View => Access {
            owner: false,
            permissions: TeamPermissions::default(),
            readable: PackageScope::All,
            editable: PackageScope::Teams(Vec::new()),
            ..base
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_bits_are_those_of_the_private_packagist_api() {
        let all = TeamPermissions::from_bits(31).unwrap();
        assert_eq!(all, TeamPermissions::ALL);
        assert_eq!(all.bits(), 31);
        let two = TeamPermissions::from_bits(2 | 8).unwrap();
        assert!(two.can_add_packages && two.can_view_vendor_customers);
        assert!(!two.can_edit_team_packages && !two.can_manage_vendor_customers);
        assert_eq!(two.bits(), 10);
        for bits in 0..32 {
            assert_eq!(TeamPermissions::from_bits(bits).unwrap().bits(), bits);
        }
        assert_eq!(
            TeamPermissions::from_bits(32).unwrap_err().field(),
            Some("permissionBits")
        );
        assert!(TeamPermissions::from_bits(-1).is_err());
    }

    #[test]
    fn scopes_have_stable_cache_keys() {
        assert_eq!(PackageScope::All.cache_key(), "all");
        assert_eq!(PackageScope::Teams(vec![3, 9]).cache_key(), "teams:3,9");
    }
}
