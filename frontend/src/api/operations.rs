//! One type per operation file in `queries/`. The derive reads `schema.graphql`, so a query
//! that asks for a field the schema lacks fails to compile.

use graphql_client::GraphQLQuery;
use serde::Deserialize;

// graphql_client tracks the `.graphql` query files but not the schema: including it here
// makes cargo re-check every operation when the server regenerates `schema.graphql`.
const _SCHEMA: &str = include_str!("../../../schema.graphql");

/// The `DateTime` scalar: an RFC 3339 string, formatted only when shown.
pub type DateTime = String;

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
    query_path = "src/api/queries/organization_page.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("OrganizationRole")
)]
pub struct OrganizationPage;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "src/api/queries/organization_members.graphql",
    response_derives = "Debug, Clone, PartialEq",
    extern_enums("OrganizationRole")
)]
pub struct OrganizationMembers;
