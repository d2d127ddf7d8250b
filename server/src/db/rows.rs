//! Database rows (what a `SELECT` gives) and inserts (what an `INSERT` takes), one pair
//! per table. API views are separate types in `graphql/`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    api_tokens, artifacts, composer_documents, credentials, customer_packages,
    customer_vendor_bundles, customers, hook_deliveries, invitations, jobs, magento_legacy_keys,
    memberships, organization_tokens, organizations, package_versions, packages, sessions,
    suborganization_teams, teams, users, vendor_bundle_packages, vendor_bundles,
    webhook_deliveries, webhooks,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub is_admin: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    /// For a suborganization, `<parent url_name>/<own name>`.
    pub url_name: String,
    pub created_at: NaiveDateTime,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub url_name: &'a str,
    pub created_at: NaiveDateTime,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub id: i64,
    pub organization_id: i64,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    /// The synchronization that brought the member, who leaves with the host's teams.
    pub synchronization_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = memberships)]
pub struct NewMembership {
    pub organization_id: i64,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub user_id: i64,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub description: String,
    pub prefix: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    pub user_id: i64,
    pub description: &'a str,
    pub prefix: &'a str,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub organization_id: Option<i64>,
    pub created_by: Option<i64>,
    pub status: String,
    pub progress: i32,
    pub step: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub dedupe_key: Option<String>,
    pub run_at: NaiveDateTime,
    pub heartbeat_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub log: String,
    pub package_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: &'a str,
    pub organization_id: Option<i64>,
    pub created_by: Option<i64>,
    pub status: &'a str,
    pub max_attempts: i32,
    pub dedupe_key: Option<&'a str>,
    pub run_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub package_id: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = credentials)]
pub struct Credential {
    pub id: i64,
    pub organization_id: i64,
    pub description: String,
    pub kind: String,
    pub domain: String,
    pub sealed_secret: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// A sign-in at a code host whose current token this credential is.
    pub identity_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = credentials)]
pub struct NewCredential<'a> {
    pub organization_id: i64,
    pub description: &'a str,
    pub kind: &'a str,
    pub domain: &'a str,
    pub sealed_secret: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub identity_id: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = packages)]
pub struct Package {
    pub id: i64,
    pub organization_id: i64,
    pub name: Option<String>,
    pub kind: String,
    pub repository_url: Option<String>,
    pub credential_id: Option<i64>,
    pub definition: Option<String>,
    pub description: Option<String>,
    pub package_type: Option<String>,
    pub default_branch: Option<String>,
    pub last_job_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// What inbound webhooks look the package up by (see `NewPackage`).
    pub repository_key: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = packages)]
pub struct NewPackage<'a> {
    pub organization_id: i64,
    pub name: Option<&'a str>,
    pub kind: &'a str,
    pub repository_url: Option<&'a str>,
    /// `domain::hooks::key_of(repository_url)`: what inbound webhooks look it up by.
    pub repository_key: Option<&'a str>,
    pub credential_id: Option<i64>,
    pub definition: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub synchronization_id: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = package_versions)]
pub struct PackageVersion {
    pub id: i64,
    pub package_id: i64,
    pub version: String,
    pub version_normalized: String,
    pub stability: String,
    pub ref_name: Option<String>,
    pub source_reference: Option<String>,
    pub dist_reference: Option<String>,
    pub dist_sha1: Option<String>,
    pub released_at: NaiveDateTime,
    pub is_default_branch: bool,
    pub data: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = package_versions)]
pub struct NewPackageVersion {
    pub package_id: i64,
    pub version: String,
    pub version_normalized: String,
    pub stability: String,
    pub ref_name: Option<String>,
    pub source_reference: Option<String>,
    pub dist_reference: Option<String>,
    pub dist_sha1: Option<String>,
    pub released_at: NaiveDateTime,
    pub is_default_branch: bool,
    pub data: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = composer_documents)]
pub struct ComposerDocument {
    pub id: i64,
    pub organization_id: i64,
    pub path: String,
    pub body: String,
    pub etag: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organization_tokens)]
pub struct OrganizationToken {
    pub id: i64,
    pub organization_id: i64,
    pub description: String,
    pub access: String,
    pub prefix: String,
    pub token_hash: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub team_id: Option<i64>,
    pub access_to_all_packages: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organization_tokens)]
pub struct NewOrganizationToken<'a> {
    pub organization_id: i64,
    pub description: &'a str,
    pub access: &'a str,
    pub prefix: &'a str,
    pub token_hash: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub team_id: Option<i64>,
    pub access_to_all_packages: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = artifacts)]
pub struct Artifact {
    pub id: i64,
    pub organization_id: i64,
    pub package_id: Option<i64>,
    pub file_name: String,
    pub sha1: String,
    pub size: i64,
    pub package_name: String,
    pub version: String,
    pub manifest: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = artifacts)]
pub struct NewArtifact<'a> {
    pub organization_id: i64,
    pub file_name: &'a str,
    pub sha1: &'a str,
    pub size: i64,
    pub package_name: &'a str,
    pub version: &'a str,
    pub manifest: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub is_owners: bool,
    pub can_edit_team_packages: bool,
    pub can_add_packages: bool,
    pub can_create_suborganizations: bool,
    pub can_view_vendor_customers: bool,
    pub can_manage_vendor_customers: bool,
    pub access_to_all_packages: bool,
    pub created_at: NaiveDateTime,
    /// The synchronization that manages the team's members and packages.
    pub synchronization_id: Option<i64>,
    pub external_key: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = teams)]
pub struct NewTeam<'a> {
    pub organization_id: i64,
    pub name: &'a str,
    pub is_owners: bool,
    pub can_edit_team_packages: bool,
    pub can_add_packages: bool,
    pub can_create_suborganizations: bool,
    pub can_view_vendor_customers: bool,
    pub can_manage_vendor_customers: bool,
    pub access_to_all_packages: bool,
    pub created_at: NaiveDateTime,
    pub synchronization_id: Option<i64>,
    pub external_key: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = suborganization_teams)]
pub struct SuborganizationTeam {
    pub suborganization_id: i64,
    pub team_id: i64,
    pub permission: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i64,
    pub organization_id: i64,
    pub user_id: Option<i64>,
    pub email: Option<String>,
    pub invited_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = invitations)]
pub struct NewInvitation<'a> {
    pub organization_id: i64,
    pub user_id: Option<i64>,
    pub email: Option<&'a str>,
    pub invited_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = customers)]
pub struct Customer {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub url_name: String,
    pub enabled: bool,
    pub access_to_version_control_source: bool,
    pub minimum_accessible_stability: Option<String>,
    pub assign_all_packages: bool,
    pub token_prefix: String,
    pub token_hash: String,
    pub last_used_at: Option<NaiveDateTime>,
    pub access_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomer<'a> {
    pub organization_id: i64,
    pub name: &'a str,
    pub url_name: &'a str,
    pub enabled: bool,
    pub access_to_version_control_source: bool,
    pub minimum_accessible_stability: Option<&'a str>,
    pub assign_all_packages: bool,
    pub token_prefix: &'a str,
    pub token_hash: &'a str,
    pub access_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A package granted to a customer, with its limits.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_packages)]
pub struct CustomerPackage {
    pub customer_id: i64,
    pub package_id: i64,
    pub version_constraint: Option<String>,
    pub expiration_date: Option<NaiveDateTime>,
    pub minimum_accessible_stability: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = vendor_bundles)]
pub struct VendorBundle {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub version_constraint: Option<String>,
    pub minimum_accessible_stability: Option<String>,
    pub assign_all_packages: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = vendor_bundles)]
pub struct NewVendorBundle<'a> {
    pub organization_id: i64,
    pub name: &'a str,
    pub version_constraint: Option<&'a str>,
    pub minimum_accessible_stability: Option<&'a str>,
    pub assign_all_packages: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vendor_bundle_packages)]
pub struct VendorBundlePackage {
    pub vendor_bundle_id: i64,
    pub package_id: i64,
    pub version_constraint: Option<String>,
    pub minimum_accessible_stability: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_vendor_bundles)]
pub struct CustomerVendorBundle {
    pub customer_id: i64,
    pub vendor_bundle_id: i64,
    pub expiration_date: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = magento_legacy_keys)]
pub struct MagentoLegacyKey {
    pub id: i64,
    pub customer_id: i64,
    pub public_key: String,
    pub private_key_hash: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = magento_legacy_keys)]
pub struct NewMagentoLegacyKey<'a> {
    pub customer_id: i64,
    pub public_key: &'a str,
    pub private_key_hash: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: i64,
    pub organization_id: i64,
    pub url: String,
    pub sealed_secret: Option<String>,
    pub events: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhooks)]
pub struct NewWebhook<'a> {
    pub organization_id: i64,
    pub url: &'a str,
    pub sealed_secret: Option<&'a str>,
    pub events: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhook_deliveries)]
pub struct WebhookDelivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub response_code: Option<i32>,
    pub duration_ms: Option<i64>,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct NewWebhookDelivery<'a> {
    pub webhook_id: i64,
    pub event: &'a str,
    pub payload: &'a str,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = hook_deliveries)]
pub struct HookDelivery {
    pub id: i64,
    pub organization_id: Option<i64>,
    pub package_id: Option<i64>,
    pub provider: String,
    pub event: String,
    pub outcome: String,
    pub status_code: i32,
    pub message: Option<String>,
    pub job_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = hook_deliveries)]
pub struct NewHookDelivery<'a> {
    pub organization_id: Option<i64>,
    pub package_id: Option<i64>,
    pub provider: &'a str,
    pub event: &'a str,
    pub outcome: &'a str,
    pub status_code: i32,
    pub message: Option<&'a str>,
    pub job_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::db::schema::synchronizations)]
pub struct Synchronization {
    pub id: i64,
    pub organization_id: i64,
    pub provider: String,
    pub api_url: String,
    pub external_name: String,
    pub credential_id: Option<i64>,
    pub last_job_id: Option<i64>,
    pub last_synced_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// The sign-in provider whose linked accounts are the host's users.
    pub login_provider: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = crate::db::schema::synchronizations)]
pub struct NewSynchronization<'a> {
    pub organization_id: i64,
    pub provider: &'a str,
    pub api_url: &'a str,
    pub external_name: &'a str,
    pub credential_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub login_provider: Option<&'a str>,
}
// Code-host identities and OAuth requests in flight (sign-in with GitHub, GitLab, …).
mod identities;
pub use identities::{NewOAuthState, NewUserIdentity, OAuthState, UserIdentity};
