//! One type per operation file in `queries/`. The derive reads `schema.graphql`, so a query
//! that asks for a field the schema lacks fails to compile.

use graphql_client::GraphQLQuery;
use serde::{Deserialize, Serialize};

// graphql_client tracks the `.graphql` query files but not the schema: including it here
// makes cargo re-check every operation when the server regenerates `schema.graphql`.
const _SCHEMA: &str = include_str!("../../../schema.graphql");

/// The `DateTime` scalar: an RFC 3339 string, formatted only when shown.
pub type DateTime = String;

/// The `Upload` scalar: a file sent beside the operation in a GraphQL multipart request
/// (see [`super::upload()`]). In the JSON variables it is the spec's placeholder, `null`,
/// which is what this unit struct serialises to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Upload;

/// `OrganizationRole`, shared by every operation that selects it (declared as an extern
/// enum below) so pages need one label function instead of one per generated module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganizationRole {
    Owner,
    Member,
    /// A role added to the server after this build; shown generically, never an error.
    #[serde(other)]
    Unknown,
}

impl OrganizationRole {
    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Member => "Member",
            Self::Unknown => "Other",
        }
    }
}

/// `JobStatus`, shared by the job subscription, the package page and the package list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Queued,
    Running,
    Success,
    Error,
    /// A status added to the server after this build.
    #[serde(other)]
    Unknown,
}

impl JobStatus {
    /// As in the schema: `QUEUED`, `RUNNING`, `SUCCESS`, `ERROR` (the browser tests' hook
    /// `data-status` carries this).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "QUEUED",
            Self::Running => "RUNNING",
            Self::Success => "SUCCESS",
            Self::Error => "ERROR",
            Self::Unknown => "UNKNOWN",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Success => "Succeeded",
            Self::Error => "Failed",
            Self::Unknown => "Unknown",
        }
    }

    /// The badge colour class for this status.
    pub fn badge_class(self) -> &'static str {
        match self {
            Self::Queued => "badge badge-neutral",
            Self::Running => "badge badge-info",
            Self::Success => "badge badge-success",
            Self::Error => "badge badge-danger",
            Self::Unknown => "badge",
        }
    }

    /// SUCCESS or ERROR: the subscription ends after one of these.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Success | Self::Error)
    }
}

/// `PackageKind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PackageKind {
    Vcs,
    Custom,
    Artifact,
    #[serde(other)]
    Unknown,
}

impl PackageKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Vcs => "Git",
            Self::Custom => "Custom",
            Self::Artifact => "Artifact",
            Self::Unknown => "Other",
        }
    }
}

/// `TokenAccess`: what an organization token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenAccess {
    Read,
    Update,
    /// Received only; never sent.
    #[serde(other)]
    Unknown,
}

impl TokenAccess {
    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "Read",
            Self::Update => "Update",
            Self::Unknown => "Other",
        }
    }
}

/// `CredentialType`: how a credential authenticates to a code host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CredentialType {
    HttpBasic,
    GithubOauth,
    GitlabToken,
    BitbucketAppPw,
    SshKey,
    HttpHeader,
    Magento,
    /// A member's sign-in at a code host, made by a synchronization; never created here.
    CodeHostSignIn,
    /// Received only; never sent.
    #[serde(other)]
    Unknown,
}

/// Which secret inputs a credential type takes (`createCredential`'s rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSecret {
    UsernamePassword,
    Token,
    PrivateKey,
}

impl CredentialType {
    /// The types a user can pick, in the order the form offers them.
    pub const ALL: [Self; 7] = [
        Self::HttpBasic,
        Self::GithubOauth,
        Self::GitlabToken,
        Self::BitbucketAppPw,
        Self::SshKey,
        Self::HttpHeader,
        Self::Magento,
    ];

    /// The schema's name, used as the `<select>` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HttpBasic => "HTTP_BASIC",
            Self::GithubOauth => "GITHUB_OAUTH",
            Self::GitlabToken => "GITLAB_TOKEN",
            Self::BitbucketAppPw => "BITBUCKET_APP_PW",
            Self::SshKey => "SSH_KEY",
            Self::HttpHeader => "HTTP_HEADER",
            Self::Magento => "MAGENTO",
            Self::CodeHostSignIn => "CODE_HOST_SIGN_IN",
            Self::Unknown => "UNKNOWN",
        }
    }

    pub fn from_str(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::HttpBasic => "HTTP basic",
            Self::GithubOauth => "GitHub token",
            Self::GitlabToken => "GitLab token",
            Self::BitbucketAppPw => "Bitbucket app password",
            Self::SshKey => "SSH key",
            Self::HttpHeader => "HTTP header",
            Self::Magento => "Magento",
            Self::CodeHostSignIn => "Code host sign-in",
            Self::Unknown => "Other",
        }
    }

    pub fn secret(self) -> CredentialSecret {
        match self {
            Self::HttpBasic
            | Self::BitbucketAppPw
            | Self::Magento
            | Self::CodeHostSignIn
            | Self::Unknown => CredentialSecret::UsernamePassword,
            Self::GithubOauth | Self::GitlabToken | Self::HttpHeader => CredentialSecret::Token,
            Self::SshKey => CredentialSecret::PrivateKey,
        }
    }
}

/// `CodeHost`: where a synchronized organization, group or workspace lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CodeHost {
    Github,
    Gitlab,
    Bitbucket,
    BitbucketDatacenter,
    /// Received only; never sent.
    #[serde(other)]
    Unknown,
}

impl CodeHost {
    pub fn label(self) -> &'static str {
        match self {
            Self::Github => "GitHub",
            Self::Gitlab => "GitLab",
            Self::Bitbucket => "Bitbucket",
            Self::BitbucketDatacenter => "Bitbucket Data Center",
            Self::Unknown => "Other",
        }
    }
}

/// `SuborganizationPermission`: what a team of the parent may do in a suborganization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SuborganizationPermission {
    Owner,
    View,
    /// Received only; never sent.
    #[serde(other)]
    Unknown,
}

impl SuborganizationPermission {
    /// The ones a team can be given, in the order a `<select>` offers them.
    pub const ALL: [Self; 2] = [Self::View, Self::Owner];

    /// The schema's name, used as the `<select>` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "OWNER",
            Self::View => "VIEW",
            Self::Unknown => "UNKNOWN",
        }
    }

    pub fn from_str(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|permission| permission.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::View => "View",
            Self::Unknown => "Other",
        }
    }

    /// What it lets the team's members do, as the schema says.
    pub fn description(self) -> &'static str {
        match self {
            Self::Owner => "manage it: packages, tokens, its teams",
            Self::View => "see its packages",
            Self::Unknown => "a permission this dashboard does not know",
        }
    }
}

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/current_viewer.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CurrentViewer;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/login.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct Login;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/logout.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct Logout;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/login_providers.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct LoginProviders;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/viewer_identities.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ViewerIdentities;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/unlink_identity.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UnlinkIdentity;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/viewer_organizations.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("OrganizationRole")
)]
pub struct ViewerOrganizations;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_organization.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateOrganization;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_header.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("OrganizationRole")
)]
pub struct OrganizationHeader;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_members.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("OrganizationRole")
)]
pub struct OrganizationMembers;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_packages.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus", "PackageKind")
)]
pub struct OrganizationPackages;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_vcs_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateVcsPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_custom_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateCustomPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/edit_custom_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct EditCustomPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/edit_vcs_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct EditVcsPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/upload_artifact.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UploadArtifact;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_artifact_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateArtifactPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/add_artifact_to_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct AddArtifactToPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/edit_artifact_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct EditArtifactPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_artifact.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveArtifact;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_artifacts.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct OrganizationArtifacts;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_jobs.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus", "PackageKind")
)]
pub struct OrganizationJobs;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/package_page.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus", "PackageKind")
)]
pub struct PackagePage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/package_versions.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct PackageVersions;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/update_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UpdatePackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemovePackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/job_updated.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus")
)]
pub struct JobUpdated;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/job.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus")
)]
pub struct Job;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_tokens.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("TokenAccess")
)]
pub struct OrganizationTokens;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_token.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("TokenAccess")
)]
pub struct CreateToken;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/regenerate_token.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RegenerateToken;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_token.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveToken;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_credentials.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("CredentialType")
)]
pub struct OrganizationCredentials;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_credential.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("CredentialType")
)]
pub struct CreateCredential;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_credential.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveCredential;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/suborganization_tokens.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("TokenAccess")
)]
pub struct SuborganizationTokens;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_suborganization_token.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("TokenAccess")
)]
pub struct CreateSuborganizationToken;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/regenerate_suborganization_token.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RegenerateSuborganizationToken;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_suborganization_token.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveSuborganizationToken;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_teams.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct OrganizationTeams;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/team_page.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct TeamPage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_team.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateTeam;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/edit_team.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct EditTeam;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_team.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveTeam;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/add_team_member.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct AddTeamMember;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_team_member.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveTeamMember;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/add_team_packages.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct AddTeamPackages;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_team_package.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveTeamPackage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/grant_team_access_to_all_packages.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct GrantTeamAccessToAllPackages;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/revoke_team_access_to_all_packages.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RevokeTeamAccessToAllPackages;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_invitations.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct OrganizationInvitations;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/invite_member.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct InviteMember;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_member.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveMember;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/viewer_invitations.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ViewerInvitations;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/accept_invitation.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct AcceptInvitation;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_invitation.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveInvitation;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_suborganizations.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct OrganizationSuborganizations;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/suborganization_page.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus", "PackageKind")
)]
pub struct SuborganizationPage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/suborganization_teams.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("SuborganizationPermission")
)]
pub struct SuborganizationTeams;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/suborganization_packages.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus", "PackageKind")
)]
pub struct SuborganizationPackages;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_suborganization.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateSuborganization;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_suborganization.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveSuborganization;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/add_or_edit_suborganization_teams.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("SuborganizationPermission")
)]
pub struct AddOrEditSuborganizationTeams;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/remove_suborganization_team.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveSuborganizationTeam;

/// The `NaiveDate` scalar: `YYYY-MM-DD`.
pub type NaiveDate = String;

/// Operations whose responses need only the common derives, one line each.
macro_rules! operations {
    ($($name:ident = $path:tt;)*) => {
        $(
            #[derive(GraphQLQuery)]
            #[graphql(
                schema_path = "../schema.graphql",
                query_path = $path,
                response_derives = "Debug, Clone, PartialEq"
            )]
            pub struct $name;
        )*
    };
}

// Vendor customers and their bundles.
operations! {
    OrganizationCustomers = "src/api/queries/organization_customers.graphql";
    CreateCustomer = "src/api/queries/create_customer.graphql";
    CustomerPage = "src/api/queries/customer_page.graphql";
    EditCustomer = "src/api/queries/edit_customer.graphql";
    RemoveCustomer = "src/api/queries/remove_customer.graphql";
    EnableCustomer = "src/api/queries/enable_customer.graphql";
    DisableCustomer = "src/api/queries/disable_customer.graphql";
    RegenerateCustomerToken = "src/api/queries/regenerate_customer_token.graphql";
    AddOrEditCustomerPackages = "src/api/queries/add_or_edit_customer_packages.graphql";
    RemoveCustomerPackage = "src/api/queries/remove_customer_package.graphql";
    AddOrEditCustomerVendorBundle = "src/api/queries/add_or_edit_customer_vendor_bundle.graphql";
    RemoveCustomerVendorBundle = "src/api/queries/remove_customer_vendor_bundle.graphql";
    CreateMagentoLegacyKey = "src/api/queries/create_magento_legacy_key.graphql";
    RemoveMagentoLegacyKey = "src/api/queries/remove_magento_legacy_key.graphql";
    OrganizationVendorBundles = "src/api/queries/organization_vendor_bundles.graphql";
    CreateVendorBundle = "src/api/queries/create_vendor_bundle.graphql";
    VendorBundlePage = "src/api/queries/vendor_bundle_page.graphql";
    EditVendorBundle = "src/api/queries/edit_vendor_bundle.graphql";
    RemoveVendorBundle = "src/api/queries/remove_vendor_bundle.graphql";
    AddOrEditVendorBundlePackages = "src/api/queries/add_or_edit_vendor_bundle_packages.graphql";
    RemoveVendorBundlePackage = "src/api/queries/remove_vendor_bundle_package.graphql";
}

// Outgoing webhooks.
operations! {
    OrganizationWebhooks = "src/api/queries/organization_webhooks.graphql";
    CreateWebhook = "src/api/queries/create_webhook.graphql";
    RemoveWebhook = "src/api/queries/remove_webhook.graphql";
    TestWebhook = "src/api/queries/test_webhook.graphql";
}

// Inbound hooks of a package.
operations! {
    PackageHook = "src/api/queries/package_hook.graphql";
    PackageHookSecret = "src/api/queries/package_hook_secret.graphql";
}

// Synchronizations with code hosts.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_synchronizations.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("JobStatus", "CodeHost", "CredentialType")
)]
pub struct OrganizationSynchronizations;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/synchronization_form_options.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("CredentialType")
)]
pub struct SynchronizationFormOptions;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/create_synchronization.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("CodeHost")
)]
pub struct CreateSynchronization;

operations! {
    SyncOrganization = "src/api/queries/sync_organization.graphql";
    RemoveSynchronization = "src/api/queries/remove_synchronization.graphql";
}
