use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::packages::PackageView;
use super::users::UserView;
use super::{actor, parse_id, state};
use crate::db::rows;
use crate::domain::access::TeamPermissions;
use crate::domain::{packages, teams};
use crate::error::Error;

/// What a team's members may do besides seeing the team's packages.
#[derive(SimpleObject, InputObject, Clone, Copy, Default)]
#[graphql(input_name = "TeamPermissionsInput")]
pub struct TeamPermissionFlags {
    /// Edit and remove the packages the team has, and choose who else sees them.
    pub can_edit_team_packages: bool,
    /// Add packages, and manage credentials and mirrored repositories.
    pub can_add_packages: bool,
    pub can_create_suborganizations: bool,
    /// See customers, their Composer details, packages and install statistics.
    pub can_view_vendor_customers: bool,
    /// Create and remove customers and change their packages and settings.
    pub can_manage_vendor_customers: bool,
}

impl From<TeamPermissionFlags> for TeamPermissions {
    fn from(flags: TeamPermissionFlags) -> Self {
        TeamPermissions {
            can_edit_team_packages: flags.can_edit_team_packages,
            can_add_packages: flags.can_add_packages,
            can_create_suborganizations: flags.can_create_suborganizations,
            can_view_vendor_customers: flags.can_view_vendor_customers,
            can_manage_vendor_customers: flags.can_manage_vendor_customers,
        }
    }
}

impl From<TeamPermissions> for TeamPermissionFlags {
    fn from(permissions: TeamPermissions) -> Self {
        TeamPermissionFlags {
            can_edit_team_packages: permissions.can_edit_team_packages,
            can_add_packages: permissions.can_add_packages,
            can_create_suborganizations: permissions.can_create_suborganizations,
            can_view_vendor_customers: permissions.can_view_vendor_customers,
            can_manage_vendor_customers: permissions.can_manage_vendor_customers,
        }
    }
}

/// The permissions of a create or edit: the flags, or their bit mask (1 edit team
/// packages, 2 add packages, 4 create suborganizations, 8 view vendor customers, 16
/// manage vendor customers), not both.
fn permissions_from(
    flags: Option<TeamPermissionFlags>,
    bits: Option<i32>,
) -> Result<Option<TeamPermissions>, Error> {
    match (flags, bits) {
        (Some(_), Some(_)) => Err(Error::invalid(
            "permissionBits",
            "give the permissions as flags or as bits, not both",
        )),
        (Some(flags), None) => Ok(Some(flags.into())),
        (None, Some(bits)) => TeamPermissions::from_bits(bits).map(Some),
        (None, None) => Ok(None),
    }
}

pub struct TeamView(pub rows::Team);

#[Object(name = "Team")]
impl TeamView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The owners team: every right, in the organization and its suborganizations.
    async fn is_owners(&self) -> bool {
        self.0.is_owners
    }

    async fn permissions(&self) -> TeamPermissionFlags {
        TeamPermissions::of_team(&self.0).into()
    }

    /// The permissions as a bit mask (see `createTeam`).
    async fn permission_bits(&self) -> i32 {
        TeamPermissions::of_team(&self.0).bits()
    }

    /// The synchronization that manages the team's members and packages (null for teams
    /// made in Packyard).
    async fn synchronization_id(&self) -> Option<ID> {
        self.0.synchronization_id.map(|id| ID(id.to_string()))
    }

    /// Sees every current and future package, except those a synchronization brought:
    /// their access follows the code host (the owners team sees them too).
    async fn access_to_all_packages(&self) -> bool {
        self.0.access_to_all_packages || self.0.is_owners
    }

    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<UserView>> {
        let mut conn = state(ctx).db.get().await?;
        let members = teams::members(&mut conn, &self.0).await?;
        Ok(members.into_iter().map(UserView).collect())
    }

    /// Packages granted to the team one by one (those you see).
    async fn packages(&self, ctx: &Context<'_>) -> Result<Vec<PackageView>> {
        let mut conn = state(ctx).db.get().await?;
        let found = teams::packages(&mut conn, &self.0).await?;
        let visible =
            packages::visible_to(&mut conn, actor(ctx), self.0.organization_id, found).await?;
        Ok(visible.into_iter().map(PackageView).collect())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }
}

#[derive(Default)]
pub struct TeamMutation;

#[Object]
impl TeamMutation {
    /// Creates a team. Owners only.
    async fn create_team(
        &self,
        ctx: &Context<'_>,
        organization: String,
        name: String,
        permissions: Option<TeamPermissionFlags>,
        permission_bits: Option<i32>,
    ) -> Result<TeamView> {
        let permissions = permissions_from(permissions, permission_bits)?.unwrap_or_default();
        let team = teams::create(
            &state(ctx).db,
            actor(ctx),
            &organization,
            &name,
            permissions,
        )
        .await?;
        Ok(TeamView(team))
    }

    /// Renames a team or changes its permissions. Owners only.
    async fn edit_team(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: Option<String>,
        permissions: Option<TeamPermissionFlags>,
        permission_bits: Option<i32>,
    ) -> Result<TeamView> {
        let permissions = permissions_from(permissions, permission_bits)?;
        let team = teams::edit(
            &state(ctx).db,
            actor(ctx),
            parse_id("id", &id)?,
            name.as_deref(),
            permissions,
        )
        .await?;
        Ok(TeamView(team))
    }

    /// Removes a team and its tokens. Returns its id.
    async fn remove_team(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let state = state(ctx);
        teams::remove(&state.db, &state.jobs, actor(ctx), parse_id("id", &id)?).await?;
        Ok(id)
    }

    /// Adds a member of the organization to the team.
    async fn add_team_member(
        &self,
        ctx: &Context<'_>,
        team_id: ID,
        user_id: ID,
    ) -> Result<TeamView> {
        let team = teams::add_member(
            &state(ctx).db,
            actor(ctx),
            parse_id("teamId", &team_id)?,
            parse_id("userId", &user_id)?,
        )
        .await?;
        Ok(TeamView(team))
    }

    async fn remove_team_member(
        &self,
        ctx: &Context<'_>,
        team_id: ID,
        user_id: ID,
    ) -> Result<TeamView> {
        let team = teams::remove_member(
            &state(ctx).db,
            actor(ctx),
            parse_id("teamId", &team_id)?,
            parse_id("userId", &user_id)?,
        )
        .await?;
        Ok(TeamView(team))
    }

    /// Grants packages, named `vendor/name` or by id, to the team.
    async fn add_team_packages(
        &self,
        ctx: &Context<'_>,
        team_id: ID,
        packages: Vec<String>,
    ) -> Result<Vec<PackageView>> {
        let state = state(ctx);
        let granted = teams::add_packages(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("teamId", &team_id)?,
            &packages,
        )
        .await?;
        Ok(granted.into_iter().map(PackageView).collect())
    }

    async fn remove_team_package(
        &self,
        ctx: &Context<'_>,
        team_id: ID,
        package: String,
    ) -> Result<TeamView> {
        let state = state(ctx);
        let team = teams::remove_package(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("teamId", &team_id)?,
            &package,
        )
        .await?;
        Ok(TeamView(team))
    }

    /// The team sees every current and future package, except synchronized ones, whose
    /// access follows the code host.
    async fn grant_team_access_to_all_packages(
        &self,
        ctx: &Context<'_>,
        team_id: ID,
    ) -> Result<TeamView> {
        let state = state(ctx);
        let team = teams::grant_access_to_all_packages(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("teamId", &team_id)?,
        )
        .await?;
        Ok(TeamView(team))
    }

    /// New packages stop reaching the team; the ones it sees now stay granted.
    async fn revoke_team_access_to_all_packages(
        &self,
        ctx: &Context<'_>,
        team_id: ID,
    ) -> Result<TeamView> {
        let state = state(ctx);
        let team = teams::revoke_access_to_all_packages(
            &state.db,
            &state.jobs,
            actor(ctx),
            parse_id("teamId", &team_id)?,
        )
        .await?;
        Ok(TeamView(team))
    }
}
