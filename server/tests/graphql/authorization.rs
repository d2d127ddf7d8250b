//! The authorization matrix: every query, mutation and subscription of the schema (and
//! every field of `Organization` and `Suborganization`) against every kind of actor, with
//! the expected outcome written down in one table. An operation without a row fails the
//! test, so nothing reaches the API without someone deciding who may use it.
//!
//! Outcomes: `O` answered without error, `F` FORBIDDEN, `N` NOT_FOUND, `U`
//! UNAUTHENTICATED, `B` BAD_USER_INPUT (a package argument the actor cannot see reads as
//! one that does not exist). Columns, in `ACTORS` order:
//! owner | members: can edit team packages, can add packages, can create suborganizations,
//! can view customers, can manage customers, no flags | suborganization owner, viewer |
//! tokens: READ, UPDATE, READ scoped to the no-flags team | another organization's owner |
//! anonymous.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::both_backends;
use crate::support::{Client, TestApp};

both_backends!(every_operation_answers_every_actor_as_the_table_says);

const ACTORS: [&str; 14] = [
    "owner",
    "edit",
    "add",
    "suborgs",
    "viewcust",
    "managecust",
    "plain",
    "subowner",
    "subviewer",
    "read",
    "update",
    "teamtoken",
    "stranger",
    "anonymous",
];

/// What a row needs created (by the owner) before each actor tries it; its id or name
/// replaces `{id}` in the document.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Setup {
    Nothing,
    ApiToken,
    Package,
    Token,
    SuborganizationToken,
    Credential,
    Artifact,
    ToolArtifact,
    Team,
    TeamWithPlainMember,
    TeamWithLib,
    Invitation,
    Member,
    Suborganization,
    TeamOnWeb,
    Customer,
    VendorBundle,
    Webhook,
    Synchronization,
}

struct Row {
    operation: &'static str,
    expect: &'static str,
    setup: Setup,
    document: &'static str,
}

const fn row(operation: &'static str, expect: &'static str, document: &'static str) -> Row {
    Row {
        operation,
        expect,
        setup: Setup::Nothing,
        document,
    }
}

const fn with(
    operation: &'static str,
    expect: &'static str,
    setup: Setup,
    document: &'static str,
) -> Row {
    Row {
        operation,
        expect,
        setup,
        document,
    }
}

// Shorthands for the common columns.
const SEES_ORGANIZATION: &str = "O OOOOOO OO OOO N U";
const MEMBERS_ONLY: &str = "O OOOOOO OO FFF N U";
const OWNERS_ONLY: &str = "O FFFFFF FF FFF N U";
const ADDERS: &str = "O FOFFFF FF FFF N U";
const SEES_LIB: &str = "O ONNNNO NN OOO N U";
const EDITS_LIB: &str = "O ONNNNF NN FFF N U";
const SEES_WEB: &str = "O NNNNNN OO NNN N U";
const OWNS_WEB: &str = "O NNNNNN OF NNN N U";
const ADMINS_ONLY: &str = "F FFFFFF FF FFF F U";
const SIGNED_IN: &str = "O OOOOOO OO UUU O U";
/// Lists of customers and bundles: a field of a visible organization, so FORBIDDEN.
const VIEWS_CUSTOMERS: &str = "O FFFOOF FF FFF N U";
/// One customer or bundle: invisible to those who may not view customers.
const SEES_CUSTOMER: &str = "O NNNOON NN NNN N U";
const MANAGES_CUSTOMERS: &str = "O FFFFOF FF FFF N U";
const MANAGES_CUSTOMER: &str = "O NNNFON NN NNN N U";

const ORG: &str = "{ organization(urlName: \"acme\") { ";
const WEB: &str = "{ organization(urlName: \"acme\") { suborganization(urlName: \"web\") { ";

const ROWS: &[Row] = &[
    // Queries.
    row("viewer", "O OOOOOO OO OOO O O", "{ viewer { id } }"),
    row(
        "organization",
        SEES_ORGANIZATION,
        "{ organization(urlName: \"acme\") { name } }",
    ),
    row("job", SEES_LIB, "{ job(id: \"{lib_job}\") { id } }"),
    // Public: the login page lists the providers before anyone signs in.
    row(
        "loginProviders",
        "O OOOOOO OO OOO O O",
        "{ loginProviders { name startUrl } }",
    ),
    // Fields of Organization.
    row("Organization.id", SEES_ORGANIZATION, "ORG id } }"),
    row("Organization.name", SEES_ORGANIZATION, "ORG name } }"),
    row("Organization.urlName", SEES_ORGANIZATION, "ORG urlName } }"),
    row(
        "Organization.createdAt",
        SEES_ORGANIZATION,
        "ORG createdAt } }",
    ),
    row(
        "Organization.viewerRole",
        SEES_ORGANIZATION,
        "ORG viewerRole } }",
    ),
    row(
        "Organization.viewerPermissions",
        SEES_ORGANIZATION,
        "ORG viewerPermissions { canAddPackages } } }",
    ),
    row(
        "Organization.composerRepository",
        SEES_ORGANIZATION,
        "ORG composerRepository { url } } }",
    ),
    row(
        "Organization.viewerTeams",
        SEES_ORGANIZATION,
        "ORG viewerTeams { name } } }",
    ),
    row(
        "Organization.members",
        MEMBERS_ONLY,
        "ORG members { nodes { user { id } teams { id } } } } }",
    ),
    row(
        "Organization.invitations",
        OWNERS_ONLY,
        "ORG invitations { id } } }",
    ),
    row(
        "Organization.teams",
        MEMBERS_ONLY,
        "ORG teams { id members { id } packages { name } } } }",
    ),
    row(
        "Organization.team",
        MEMBERS_ONLY,
        "ORG team(id: \"{readers}\") { name } } }",
    ),
    row(
        "Organization.suborganizations",
        MEMBERS_ONLY,
        "ORG suborganizations { urlName } } }",
    ),
    row(
        "Organization.suborganization",
        SEES_WEB,
        "ORG suborganization(urlName: \"web\") { name } } }",
    ),
    row(
        "Organization.packages",
        SEES_ORGANIZATION,
        "ORG packages { nodes { name } } } }",
    ),
    row(
        "Organization.artifacts",
        ADDERS,
        "ORG artifacts { nodes { id } } } }",
    ),
    row(
        "Organization.package",
        SEES_LIB,
        "ORG package(name: \"acme/lib\") { name versions { nodes { version } } } } }",
    ),
    row(
        "Organization.customers",
        VIEWS_CUSTOMERS,
        "ORG customers { nodes { name composerRepository { url } packages { name } vendorBundles { expirationDate } magentoLegacyKeys { publicKey } downloads { total } } } } }",
    ),
    row(
        "Organization.customer",
        SEES_CUSTOMER,
        "ORG customer(idOrUrlName: \"{cust}\") { urlName } } }",
    ),
    row(
        "Organization.vendorBundles",
        VIEWS_CUSTOMERS,
        "ORG vendorBundles { name packages { name } } } }",
    ),
    row(
        "Organization.vendorBundle",
        SEES_CUSTOMER,
        "ORG vendorBundle(id: \"{bundle}\") { name } } }",
    ),
    row(
        "Organization.webhooks",
        OWNERS_ONLY,
        "ORG webhooks { url deliveries { nodes { status } } } } }",
    ),
    row("Organization.tokens", OWNERS_ONLY, "ORG tokens { id } } }"),
    row(
        "Organization.synchronizations",
        OWNERS_ONLY,
        "ORG synchronizations { id name } } }",
    ),
    row(
        "Organization.credentials",
        ADDERS,
        "ORG credentials { id } } }",
    ),
    row(
        "Organization.jobs",
        SEES_ORGANIZATION,
        "ORG jobs { nodes { id } } } }",
    ),
    // Fields of Suborganization.
    row("Suborganization.id", SEES_WEB, "WEB id } } }"),
    row("Suborganization.name", SEES_WEB, "WEB name } } }"),
    row("Suborganization.urlName", SEES_WEB, "WEB urlName } } }"),
    row("Suborganization.createdAt", SEES_WEB, "WEB createdAt } } }"),
    row(
        "Suborganization.viewerIsOwner",
        SEES_WEB,
        "WEB viewerIsOwner } } }",
    ),
    row(
        "Suborganization.composerRepository",
        SEES_WEB,
        "WEB composerRepository { url } } } }",
    ),
    row(
        "Suborganization.teams",
        SEES_WEB,
        "WEB teams { permission team { id } } } } }",
    ),
    row(
        "Suborganization.packages",
        SEES_WEB,
        "WEB packages { nodes { name } } } } }",
    ),
    row(
        "Suborganization.package",
        SEES_WEB,
        "WEB package(name: \"acme/site\") { name } } } }",
    ),
    row(
        "Suborganization.tokens",
        OWNS_WEB,
        "WEB tokens { id } } } }",
    ),
    // Subscriptions: the first answer, or none within a second.
    row(
        "jobUpdated",
        SEES_LIB,
        "subscription { jobUpdated(id: \"{lib_job}\") { id } }",
    ),
    row(
        "organizationJobs",
        SEES_ORGANIZATION,
        "subscription { organizationJobs(urlName: \"acme\") { id } }",
    ),
    row(
        "packageUpdated",
        SEES_ORGANIZATION,
        "subscription { packageUpdated(urlName: \"acme\") { name } }",
    ),
    // Mutations.
    row(
        "login",
        "O OOOOOO OO OOO O O",
        "mutation { login(username: \"visitor\", password: \"a long enough password\") { user { id } } }",
    ),
    row(
        "createUser",
        ADMINS_ONLY,
        "mutation { createUser(username: \"u-{actor}\", password: \"a long enough password\") { id } }",
    ),
    row(
        "createOrganization",
        SIGNED_IN,
        "mutation { createOrganization(name: \"o-{actor}\") { id } }",
    ),
    row(
        "createApiToken",
        SIGNED_IN,
        "mutation { createApiToken(description: \"t\") { secret } }",
    ),
    with(
        "removeApiToken",
        "O NNNNNN NN UUU N U",
        Setup::ApiToken,
        "mutation { removeApiToken(id: \"{id}\") }",
    ),
    // Only one's own linked accounts exist for one (none here: linking takes a code
    // host, see tests/api/oauth.rs); tokens and anonymous have no user.
    row(
        "unlinkIdentity",
        "N NNNNNN NN UUU N U",
        "mutation { unlinkIdentity(id: \"999999\") }",
    ),
    row(
        "purgeExpiredSessions",
        ADMINS_ONLY,
        "mutation { purgeExpiredSessions { id } }",
    ),
    row(
        "createVcsPackage",
        ADDERS,
        "mutation { createVcsPackage(organization: \"acme\", url: \"/nonexistent/{actor}-{n}\") { id } }",
    ),
    row(
        "createCustomPackage",
        ADDERS,
        "mutation { createCustomPackage(organization: \"acme\", definition: \"{\\\"name\\\": \\\"acme/c{n}\\\", \\\"version\\\": \\\"1.0.0\\\", \\\"dist\\\": {\\\"type\\\": \\\"zip\\\", \\\"url\\\": \\\"https://example.com/c.zip\\\"}}\") { id } }",
    ),
    row(
        "editCustomPackage",
        EDITS_LIB,
        "mutation { editCustomPackage(organization: \"acme\", name: \"acme/lib\", definition: \"{lib_definition}\") { id } }",
    ),
    row(
        "editVcsPackage",
        EDITS_LIB,
        "mutation { editVcsPackage(organization: \"acme\", name: \"#{vcs}\", url: \"/nonexistent/vcs\") { id } }",
    ),
    row(
        "updatePackage",
        "O ONNNNF NN FOF N U",
        "mutation { updatePackage(organization: \"acme\", name: \"acme/lib\") { id } }",
    ),
    with(
        "removePackage",
        EDITS_LIB,
        Setup::Package,
        "mutation { removePackage(organization: \"acme\", name: \"{id}\") }",
    ),
    row(
        "createCustomer",
        MANAGES_CUSTOMERS,
        "mutation { createCustomer(organization: \"acme\", name: \"C {actor} {n}\") { token } }",
    ),
    row(
        "editCustomer",
        MANAGES_CUSTOMER,
        "mutation { editCustomer(id: \"{cust}\", accessToVersionControlSource: false) { id } }",
    ),
    with(
        "removeCustomer",
        MANAGES_CUSTOMER,
        Setup::Customer,
        "mutation { removeCustomer(id: \"{id}\") }",
    ),
    row(
        "enableCustomer",
        MANAGES_CUSTOMER,
        "mutation { enableCustomer(id: \"{cust}\") { enabled } }",
    ),
    with(
        "disableCustomer",
        MANAGES_CUSTOMER,
        Setup::Customer,
        "mutation { disableCustomer(id: \"{id}\") { enabled } }",
    ),
    with(
        "regenerateCustomerToken",
        MANAGES_CUSTOMER,
        Setup::Customer,
        "mutation { regenerateCustomerToken(id: \"{id}\", iConfirmOldTokenWillStopWorkingImmediately: true) { token } }",
    ),
    row(
        "addOrEditCustomerPackages",
        MANAGES_CUSTOMER,
        "mutation { addOrEditCustomerPackages(customerId: \"{cust}\", packages: [{ name: \"acme/lib\", versionConstraint: \"^1.0\" }]) { name } }",
    ),
    with(
        "removeCustomerPackage",
        MANAGES_CUSTOMER,
        Setup::Customer,
        "mutation { removeCustomerPackage(customerId: \"{id}\", packageName: \"acme/lib\") { id } }",
    ),
    row(
        "addOrEditCustomerVendorBundle",
        MANAGES_CUSTOMER,
        "mutation { addOrEditCustomerVendorBundle(customerId: \"{cust}\", vendorBundleId: \"{bundle}\") { expirationDate } }",
    ),
    with(
        "removeCustomerVendorBundle",
        MANAGES_CUSTOMER,
        Setup::Customer,
        "mutation { removeCustomerVendorBundle(customerId: \"{id}\", vendorBundleId: \"{bundle}\") { id } }",
    ),
    with(
        "createMagentoLegacyKey",
        MANAGES_CUSTOMER,
        Setup::Customer,
        "mutation { createMagentoLegacyKey(customerId: \"{id}\", publicKey: \"k{n}\", privateKey: \"private-{n}\") { publicKey } }",
    ),
    with(
        "removeMagentoLegacyKey",
        MANAGES_CUSTOMER,
        Setup::Customer,
        "mutation { removeMagentoLegacyKey(customerId: \"{id}\", publicKey: \"magento\") { id } }",
    ),
    row(
        "createVendorBundle",
        MANAGES_CUSTOMERS,
        "mutation { createVendorBundle(organization: \"acme\", name: \"B {actor} {n}\") { id } }",
    ),
    row(
        "editVendorBundle",
        MANAGES_CUSTOMER,
        "mutation { editVendorBundle(id: \"{bundle}\", versionConstraint: \"^1.0\") { id } }",
    ),
    with(
        "removeVendorBundle",
        MANAGES_CUSTOMER,
        Setup::VendorBundle,
        "mutation { removeVendorBundle(id: \"{id}\") }",
    ),
    row(
        "addOrEditVendorBundlePackages",
        MANAGES_CUSTOMER,
        "mutation { addOrEditVendorBundlePackages(vendorBundleId: \"{bundle}\", packages: [{ name: \"acme/lib\" }]) { name } }",
    ),
    with(
        "removeVendorBundlePackage",
        MANAGES_CUSTOMER,
        Setup::VendorBundle,
        "mutation { removeVendorBundlePackage(vendorBundleId: \"{id}\", packageName: \"acme/lib\") { id } }",
    ),
    row(
        "createWebhook",
        OWNERS_ONLY,
        "mutation { createWebhook(organization: \"acme\", url: \"https://hooks.invalid/{actor}\", events: [JOB_FAILED]) { id } }",
    ),
    with(
        "editWebhook",
        "O FFFFFF FF FFF N U",
        Setup::Webhook,
        "mutation { editWebhook(id: \"{id}\", events: [PACKAGE_REMOVED]) { id } }",
    ),
    with(
        "removeWebhook",
        "O FFFFFF FF FFF N U",
        Setup::Webhook,
        "mutation { removeWebhook(id: \"{id}\") }",
    ),
    with(
        "testWebhook",
        "O FFFFFF FF FFF N U",
        Setup::Webhook,
        "mutation { testWebhook(id: \"{id}\") { status } }",
    ),
    with(
        "createSynchronization",
        OWNERS_ONLY,
        Setup::Credential,
        "mutation { createSynchronization(organization: \"acme\", host: GITHUB, name: \"acme-gh\", credentialId: \"{id}\") { job { id } } }",
    ),
    with(
        "removeSynchronization",
        "O FFFFFF FF FFF N U",
        Setup::Synchronization,
        "mutation { removeSynchronization(id: \"{id}\") }",
    ),
    row(
        "syncOrganization",
        OWNERS_ONLY,
        "mutation { syncOrganization(organization: \"acme\") { id } }",
    ),
    row(
        "regenerateWebhookSecret",
        OWNERS_ONLY,
        "mutation { regenerateWebhookSecret(organization: \"acme\", iConfirmHooksWithTheOldSecretWillBeRefused: true) }",
    ),
    row(
        "createToken",
        OWNERS_ONLY,
        "mutation { createToken(organization: \"acme\", description: \"t\", access: READ) { secret } }",
    ),
    row(
        "createSuborganizationToken",
        OWNS_WEB,
        "mutation { createSuborganizationToken(organization: \"acme\", suborganization: \"web\", description: \"t\", access: READ) { secret } }",
    ),
    with(
        "removeSuborganizationToken",
        OWNS_WEB,
        Setup::SuborganizationToken,
        "mutation { removeSuborganizationToken(id: \"{id}\") }",
    ),
    with(
        "regenerateSuborganizationToken",
        OWNS_WEB,
        Setup::SuborganizationToken,
        "mutation { regenerateSuborganizationToken(id: \"{id}\", iConfirmOldTokenWillStopWorkingImmediately: true) { secret } }",
    ),
    with(
        "removeToken",
        OWNERS_ONLY,
        Setup::Token,
        "mutation { removeToken(id: \"{id}\") }",
    ),
    with(
        "regenerateToken",
        OWNERS_ONLY,
        Setup::Token,
        "mutation { regenerateToken(id: \"{id}\", iConfirmOldTokenWillStopWorkingImmediately: true) { secret } }",
    ),
    row(
        "createCredential",
        ADDERS,
        "mutation { createCredential(organization: \"acme\", description: \"c\", type: HTTP_BASIC, domain: \"git.example.com\", username: \"u\", password: \"p\") { id } }",
    ),
    with(
        "editCredential",
        ADDERS,
        Setup::Credential,
        "mutation { editCredential(id: \"{id}\", type: HTTP_BASIC, username: \"u\", password: \"q\") { id } }",
    ),
    with(
        "removeCredential",
        ADDERS,
        Setup::Credential,
        "mutation { removeCredential(id: \"{id}\") }",
    ),
    row("uploadArtifact", ADDERS, "UPLOAD"),
    with(
        "createArtifactPackage",
        ADDERS,
        Setup::Artifact,
        "mutation { createArtifactPackage(organization: \"acme\", artifactIds: [\"{id}\"]) { id } }",
    ),
    with(
        "addArtifactToPackage",
        EDITS_LIB,
        Setup::ToolArtifact,
        "mutation { addArtifactToPackage(organization: \"acme\", name: \"acme/tool\", artifactId: \"{id}\") { id } }",
    ),
    row(
        "editArtifactPackage",
        EDITS_LIB,
        "mutation { editArtifactPackage(organization: \"acme\", name: \"acme/tool\", artifactIds: [\"{tool_artifact}\"]) { id } }",
    ),
    with(
        "removeArtifact",
        ADDERS,
        Setup::Artifact,
        "mutation { removeArtifact(organization: \"acme\", artifactId: \"{id}\") }",
    ),
    row(
        "createTeam",
        OWNERS_ONLY,
        "mutation { createTeam(organization: \"acme\", name: \"t-{actor}-{n}\", permissionBits: 3) { id } }",
    ),
    with(
        "editTeam",
        OWNERS_ONLY,
        Setup::Team,
        "mutation { editTeam(id: \"{id}\", permissions: { canEditTeamPackages: true, canAddPackages: false, canCreateSuborganizations: false, canViewVendorCustomers: false, canManageVendorCustomers: false }) { id } }",
    ),
    with(
        "removeTeam",
        OWNERS_ONLY,
        Setup::Team,
        "mutation { removeTeam(id: \"{id}\") }",
    ),
    with(
        "addTeamMember",
        OWNERS_ONLY,
        Setup::Team,
        "mutation { addTeamMember(teamId: \"{id}\", userId: \"{plain_user}\") { id } }",
    ),
    with(
        "removeTeamMember",
        OWNERS_ONLY,
        Setup::TeamWithPlainMember,
        "mutation { removeTeamMember(teamId: \"{id}\", userId: \"{plain_user}\") { id } }",
    ),
    with(
        "addTeamPackages",
        "O OBBBBF BB FFF N U",
        Setup::Team,
        "mutation { addTeamPackages(teamId: \"{id}\", packages: [\"acme/lib\"]) { name } }",
    ),
    with(
        "removeTeamPackage",
        "O OBBBBF BB FFF N U",
        Setup::TeamWithLib,
        "mutation { removeTeamPackage(teamId: \"{id}\", package: \"acme/lib\") { id } }",
    ),
    with(
        "grantTeamAccessToAllPackages",
        OWNERS_ONLY,
        Setup::Team,
        "mutation { grantTeamAccessToAllPackages(teamId: \"{id}\") { id } }",
    ),
    with(
        "revokeTeamAccessToAllPackages",
        OWNERS_ONLY,
        Setup::Team,
        "mutation { revokeTeamAccessToAllPackages(teamId: \"{id}\") { id } }",
    ),
    row(
        "inviteMember",
        OWNERS_ONLY,
        "mutation { inviteMember(organization: \"acme\", usernameOrEmail: \"i{n}@example.com\") { id } }",
    ),
    with(
        "acceptInvitation",
        "N NNNNNN NN UUU N U",
        Setup::Invitation,
        "mutation { acceptInvitation(id: \"{id}\") }",
    ),
    with(
        "removeInvitation",
        OWNERS_ONLY,
        Setup::Invitation,
        "mutation { removeInvitation(id: \"{id}\") }",
    ),
    with(
        "removeMember",
        OWNERS_ONLY,
        Setup::Member,
        "mutation { removeMember(organization: \"acme\", userId: \"{id}\") }",
    ),
    row(
        "createSuborganization",
        "O FFOFFF FF FFF N U",
        "mutation { createSuborganization(organization: \"acme\", name: \"s{n}\") { id } }",
    ),
    with(
        "removeSuborganization",
        OWNS_WEB,
        Setup::Suborganization,
        "mutation { removeSuborganization(organization: \"acme\", suborganization: \"{id}\") }",
    ),
    with(
        "addOrEditSuborganizationTeams",
        OWNS_WEB,
        Setup::Team,
        "mutation { addOrEditSuborganizationTeams(organization: \"acme\", suborganization: \"web\", teams: [{ teamId: \"{id}\", permission: VIEW }]) { id } }",
    ),
    with(
        "removeSuborganizationTeam",
        OWNS_WEB,
        Setup::TeamOnWeb,
        "mutation { removeSuborganizationTeam(organization: \"acme\", suborganization: \"web\", teamId: \"{id}\") }",
    ),
    // Last: it ends the sessions the rows above use.
    row("logout", SIGNED_IN, "mutation { logout }"),
];

/// Everyone and everything the rows refer to.
struct World {
    owner: Client,
    actors: Vec<Actor>,
    values: HashMap<&'static str, String>,
    counter: std::sync::atomic::AtomicUsize,
}

struct Actor {
    name: &'static str,
    client: Client,
    /// For subscriptions: a token of theirs (personal or organization), if any.
    bearer: Option<String>,
}

fn definition(name: &str) -> String {
    json!({ "name": name, "version": "1.0.0", "dist": { "type": "zip", "url": "https://example.com/p.zip" } })
        .to_string()
}

fn archive(name: &str, version: &str) -> Vec<u8> {
    let manifest = json!({ "name": name, "version": version });
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file("p/composer.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(manifest.to_string().as_bytes()).unwrap();
    writer.finish().unwrap().into_inner()
}

async fn upload(client: &Client, bytes: Vec<u8>) -> Value {
    let operations = json!({
        "query": "mutation($f: Upload!) { uploadArtifact(organization: \"acme\", file: $f) { id } }",
        "variables": { "f": null },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("p.zip")
                .mime_str("application/zip")
                .unwrap(),
        );
    let mut request = client
        .http
        .post(format!("{}/graphql", client.base_url))
        .multipart(form);
    if let Some(bearer) = &client.bearer {
        request = request.bearer_auth(bearer);
    }
    request.send().await.unwrap().json().await.unwrap()
}

fn outcome_of(body: &Value) -> char {
    let Some(error) = body["errors"].as_array().and_then(|errors| errors.first()) else {
        return 'O';
    };
    match error["extensions"]["code"].as_str() {
        Some("FORBIDDEN") => 'F',
        Some("NOT_FOUND") => 'N',
        Some("UNAUTHENTICATED") => 'U',
        Some("BAD_USER_INPUT") => 'B',
        _ => panic!("unexpected error {error}"),
    }
}

async fn ok(client: &Client, query: &str) -> Value {
    client.graphql(query, json!({})).await.data().clone()
}

impl World {
    fn next(&self) -> usize {
        self.counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    async fn create_team(&self, permission_bits: i32) -> String {
        let n = self.next();
        ok(
            &self.owner,
            &format!("mutation {{ createTeam(organization: \"acme\", name: \"team{n}\", permissionBits: {permission_bits}) {{ id }} }}"),
        )
        .await["createTeam"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A user who accepted an invitation into `team_ids`; returns their id.
    async fn member(&self, app: &TestApp, username: &str, team_ids: &[&str]) -> String {
        let id = app.create_user(username, false).await;
        let invitation = self
            .owner
            .graphql(
                "mutation($u: String!, $t: [ID!]!) { inviteMember(organization: \"acme\", usernameOrEmail: $u, teamIds: $t) { id } }",
                json!({ "u": username, "t": team_ids }),
            )
            .await
            .data()["inviteMember"]["id"]
            .clone();
        let client = app.login(username).await;
        client
            .graphql(
                "mutation($i: ID!) { acceptInvitation(id: $i) }",
                json!({ "i": invitation }),
            )
            .await
            .data();
        id.to_string()
    }

    async fn setup(&self, app: &TestApp, setup: Setup) -> String {
        let owner = &self.owner;
        let n = self.next();
        match setup {
            Setup::Nothing => String::new(),
            Setup::ApiToken => ok(owner, "mutation { createApiToken(description: \"x\") { token { id } } }").await
                ["createApiToken"]["token"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            Setup::Package => {
                let name = format!("acme/r{n}");
                owner
                    .graphql(
                        "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
                        json!({ "d": definition(&name) }),
                    )
                    .await
                    .data();
                for team in [&self.values["editors"], &self.values["readers"]] {
                    owner
                        .graphql(
                            "mutation($t: ID!, $p: String!) { addTeamPackages(teamId: $t, packages: [$p]) { name } }",
                            json!({ "t": team, "p": name }),
                        )
                        .await
                        .data();
                }
                name
            }
            Setup::Token => ok(owner, "mutation { createToken(organization: \"acme\", description: \"x\", access: READ) { token { id } } }").await
                ["createToken"]["token"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            Setup::SuborganizationToken => ok(owner, "mutation { createSuborganizationToken(organization: \"acme\", suborganization: \"web\", description: \"x\", access: READ) { token { id } } }").await
                ["createSuborganizationToken"]["token"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            Setup::Credential => ok(owner, "mutation { createCredential(organization: \"acme\", description: \"c\", type: HTTP_BASIC, domain: \"git.example.com\", username: \"u\", password: \"p\") { id } }").await
                ["createCredential"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            Setup::Artifact => upload(owner, archive(&format!("acme/a{n}"), "1.0.0")).await["data"]
                ["uploadArtifact"]["id"]
                .as_str()
                .expect("uploaded")
                .to_owned(),
            Setup::ToolArtifact => upload(owner, archive("acme/tool", &format!("1.0.{n}"))).await
                ["data"]["uploadArtifact"]["id"]
                .as_str()
                .expect("uploaded")
                .to_owned(),
            Setup::Team => self.create_team(0).await,
            Setup::TeamWithPlainMember => {
                let team = self.create_team(0).await;
                owner
                    .graphql(
                        "mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) { id } }",
                        json!({ "t": team, "u": self.values["plain_user"] }),
                    )
                    .await
                    .data();
                team
            }
            Setup::TeamWithLib => {
                let team = self.create_team(0).await;
                owner
                    .graphql(
                        "mutation($t: ID!) { addTeamPackages(teamId: $t, packages: [\"acme/lib\"]) { name } }",
                        json!({ "t": team }),
                    )
                    .await
                    .data();
                team
            }
            Setup::Invitation => {
                let username = format!("invitee{n}");
                app.create_user(&username, false).await;
                owner
                    .graphql(
                        "mutation($u: String!) { inviteMember(organization: \"acme\", usernameOrEmail: $u) { id } }",
                        json!({ "u": username }),
                    )
                    .await
                    .data()["inviteMember"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
            Setup::Member => self.member(app, &format!("leaver{n}"), &[]).await,
            Setup::Suborganization => {
                let name = format!("gone{n}");
                owner
                    .graphql(
                        "mutation($n: String!) { createSuborganization(organization: \"acme\", name: $n) { id } }",
                        json!({ "n": name }),
                    )
                    .await
                    .data();
                owner
                    .graphql(
                        "mutation($s: String!, $o: ID!, $v: ID!) { addOrEditSuborganizationTeams(organization: \"acme\", suborganization: $s, teams: [{ teamId: $o, permission: OWNER }, { teamId: $v, permission: VIEW }]) { id } }",
                        json!({ "s": name, "o": self.values["web_owners"], "v": self.values["web_viewers"] }),
                    )
                    .await
                    .data();
                name
            }
            Setup::Customer => {
                let id = ok(owner, &format!("mutation {{ createCustomer(organization: \"acme\", name: \"Setup {n}\") {{ customer {{ id }} }} }}")).await
                    ["createCustomer"]["customer"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                ok(owner, &format!("mutation {{ addOrEditCustomerPackages(customerId: \"{id}\", packages: [{{ name: \"acme/lib\" }}]) {{ name }} }}")).await;
                ok(owner, &format!("mutation {{ addOrEditCustomerVendorBundle(customerId: \"{id}\", vendorBundleId: \"{}\") {{ expirationDate }} }}", self.values["bundle"])).await;
                ok(owner, &format!("mutation {{ createMagentoLegacyKey(customerId: \"{id}\", publicKey: \"magento\", privateKey: \"private-key\") {{ publicKey }} }}")).await;
                id
            }
            Setup::Synchronization => {
                let credential = ok(owner, "mutation { createCredential(organization: \"acme\", description: \"c\", type: GITHUB_OAUTH, domain: \"github.com\", token: \"t\") { id } }").await
                    ["createCredential"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                ok(owner, &format!("mutation {{ createSynchronization(organization: \"acme\", host: GITHUB, name: \"setup-{n}\", credentialId: \"{credential}\") {{ synchronization {{ id }} }} }}")).await
                    ["createSynchronization"]["synchronization"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
            Setup::Webhook => ok(owner, "mutation { createWebhook(organization: \"acme\", url: \"https://hooks.invalid/setup\", events: [JOB_FAILED]) { id } }").await
                ["createWebhook"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            Setup::VendorBundle => {
                let id = ok(owner, &format!("mutation {{ createVendorBundle(organization: \"acme\", name: \"Setup {n}\") {{ id }} }}")).await
                    ["createVendorBundle"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                ok(owner, &format!("mutation {{ addOrEditVendorBundlePackages(vendorBundleId: \"{id}\", packages: [{{ name: \"acme/lib\" }}]) {{ name }} }}")).await;
                id
            }
            Setup::TeamOnWeb => {
                let team = self.create_team(0).await;
                owner
                    .graphql(
                        "mutation($t: ID!) { addOrEditSuborganizationTeams(organization: \"acme\", suborganization: \"web\", teams: [{ teamId: $t, permission: VIEW }]) { id } }",
                        json!({ "t": team }),
                    )
                    .await
                    .data();
                team
            }
        }
    }
}

async fn build_world(app: &TestApp) -> World {
    let owner = app.user("olivia").await;
    ok(
        &owner,
        "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
    )
    .await;
    let world = World {
        owner,
        actors: Vec::new(),
        values: HashMap::new(),
        counter: std::sync::atomic::AtomicUsize::new(0),
    };
    let mut values = HashMap::new();
    for (key, bits) in [
        ("editors", 1),
        ("adders", 2),
        ("founders", 4),
        ("customer_viewers", 8),
        ("customer_managers", 16),
        ("readers", 0),
        ("web_owners", 0),
        ("web_viewers", 0),
    ] {
        values.insert(key, world.create_team(bits).await);
    }
    let owner = &world.owner;
    // Packages: acme/lib for the editors and readers, acme/other for nobody but owners.
    for name in ["acme/lib", "acme/other"] {
        let job = owner
            .graphql(
                "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
                json!({ "d": definition(name) }),
            )
            .await
            .data()["createCustomPackage"]["id"]
            .clone();
        assert_eq!(app.wait_for_job(owner, &job).await["status"], "SUCCESS");
        if name == "acme/lib" {
            values.insert("lib_job", job.as_str().unwrap().to_owned());
        }
    }
    values.insert(
        "lib_definition",
        definition("acme/lib").replace('"', "\\\""),
    );
    let vcs = owner
        .graphql(
            "mutation { createVcsPackage(organization: \"acme\", url: \"/nonexistent/vcs\") { id package { id } } }",
            json!({}),
        )
        .await
        .data()["createVcsPackage"]["package"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    values.insert("vcs", vcs);
    let tool_artifact =
        upload(owner, archive("acme/tool", "1.0.0")).await["data"]["uploadArtifact"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    owner
        .graphql(
            "mutation($a: ID!) { createArtifactPackage(organization: \"acme\", artifactIds: [$a]) { id } }",
            json!({ "a": tool_artifact }),
        )
        .await
        .data();
    values.insert("tool_artifact", tool_artifact);
    for team in [&values["editors"], &values["readers"]] {
        owner
            .graphql(
                "mutation($t: ID!, $v: String!) { addTeamPackages(teamId: $t, packages: [\"acme/lib\", \"acme/tool\", $v]) { name } }",
                json!({ "t": team, "v": format!("{}", values["vcs"]) }),
            )
            .await
            .data();
    }
    // The suborganization web, its package, and the teams that own and view it.
    ok(owner, "mutation { createSuborganization(organization: \"acme\", name: \"Web\", urlName: \"web\") { id } }").await;
    owner
        .graphql(
            "mutation($o: ID!, $v: ID!) { addOrEditSuborganizationTeams(organization: \"acme\", suborganization: \"web\", teams: [{ teamId: $o, permission: OWNER }, { teamId: $v, permission: VIEW }]) { id } }",
            json!({ "o": values["web_owners"], "v": values["web_viewers"] }),
        )
        .await
        .data();
    owner
        .graphql(
            "mutation($d: String!) { createCustomPackage(organization: \"acme\", suborganization: \"web\", definition: $d) { id } }",
            json!({ "d": definition("acme/site") }),
        )
        .await
        .data();
    app.create_user("visitor", false).await;
    // A customer with acme/lib, and a vendor bundle with it.
    let customer = ok(owner, "mutation { createCustomer(organization: \"acme\", name: \"Globex\", urlName: \"globex\") { customer { id } } }").await
        ["createCustomer"]["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(owner, &format!("mutation {{ addOrEditCustomerPackages(customerId: \"{customer}\", packages: [{{ name: \"acme/lib\" }}]) {{ name }} }}")).await;
    values.insert("cust", customer);
    let bundle = ok(
        owner,
        "mutation { createVendorBundle(organization: \"acme\", name: \"Everything\") { id } }",
    )
    .await["createVendorBundle"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    values.insert("bundle", bundle);

    let mut world = World { values, ..world };
    let mut actors = vec![Actor {
        name: "owner",
        client: world.owner.clone(),
        bearer: None,
    }];
    for (name, team) in [
        ("edit", "editors"),
        ("add", "adders"),
        ("suborgs", "founders"),
        ("viewcust", "customer_viewers"),
        ("managecust", "customer_managers"),
        ("plain", "readers"),
        ("subowner", "web_owners"),
        ("subviewer", "web_viewers"),
    ] {
        let team_id = world.values[team].clone();
        let id = world.member(app, name, &[&team_id]).await;
        if name == "plain" {
            world.values.insert("plain_user", id);
        }
        actors.push(Actor {
            name,
            client: app.login(name).await,
            bearer: None,
        });
    }
    let readers = world.values["readers"].clone();
    for (name, arguments) in [
        ("read", "access: READ".to_owned()),
        ("update", "access: UPDATE".to_owned()),
        ("teamtoken", format!("access: READ, teamId: \"{readers}\"")),
    ] {
        let secret = ok(
            &world.owner,
            &format!("mutation {{ createToken(organization: \"acme\", description: \"{name}\", {arguments}) {{ secret }} }}"),
        )
        .await["createToken"]["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        actors.push(Actor {
            name,
            client: Client::new(&app.base_url, Some(secret.clone())),
            bearer: Some(secret),
        });
    }
    let stranger = app.user("stranger").await;
    ok(
        &stranger,
        "mutation { createOrganization(name: \"Elsewhere\") { id } }",
    )
    .await;
    actors.push(Actor {
        name: "stranger",
        client: stranger,
        bearer: None,
    });
    actors.push(Actor {
        name: "anonymous",
        client: app.anonymous(),
        bearer: None,
    });
    // Subscriptions authenticate in connection_init: users bring a personal token.
    for actor in &mut actors {
        if actor.bearer.is_none() && actor.name != "anonymous" {
            let (_, secret) = app.token_client(&actor.client).await;
            actor.bearer = Some(secret);
        }
    }
    world.actors = actors;
    world
}

/// The subscription's first answer (`O` for data or for silence within a second).
async fn subscription_outcome(base_url: &str, bearer: Option<&str>, query: &str) -> char {
    let url = format!("{}/graphql/ws", base_url.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let payload = match bearer {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    let send = |message: Value| Message::Text(message.to_string().into());
    socket
        .send(send(
            json!({ "type": "connection_init", "payload": payload }),
        ))
        .await
        .unwrap();
    socket
        .send(send(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
        ))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, socket.next()).await else {
            return 'O';
        };
        let Message::Text(text) = message else {
            continue;
        };
        let message: Value = serde_json::from_str(&text).unwrap();
        match message["type"].as_str() {
            Some("connection_ack") => continue,
            Some("next") => return outcome_of(&message["payload"]),
            Some("error") => return outcome_of(&json!({ "errors": message["payload"] })),
            _ => return 'O',
        }
    }
}

async fn every_operation_answers_every_actor_as_the_table_says(app: TestApp) {
    // Every operation has a row.
    let mut operations = BTreeSet::new();
    for type_name in [
        "Query",
        "Mutation",
        "Subscription",
        "Organization",
        "Suborganization",
    ] {
        let fields = app
            .anonymous()
            .graphql(
                "query($t: String!) { __type(name: $t) { fields { name } } }",
                json!({ "t": type_name }),
            )
            .await
            .data()["__type"]["fields"]
            .as_array()
            .unwrap()
            .clone();
        for field in fields {
            let name = field["name"].as_str().unwrap();
            operations.insert(match type_name {
                "Query" | "Mutation" | "Subscription" => name.to_owned(),
                _ => format!("{type_name}.{name}"),
            });
        }
    }
    let covered: BTreeSet<String> = ROWS.iter().map(|row| row.operation.to_owned()).collect();
    let missing: Vec<&String> = operations.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the matrix: {missing:?}"
    );
    let stale: Vec<&String> = covered.difference(&operations).collect();
    assert!(
        stale.is_empty(),
        "rows for operations that do not exist: {stale:?}"
    );

    let world = build_world(&app).await;
    let mut mismatches = Vec::new();
    for row in ROWS {
        let expected: Vec<char> = row.expect.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(expected.len(), ACTORS.len(), "row {}", row.operation);
        for (actor, expected) in world.actors.iter().zip(expected) {
            let id = world.setup(&app, row.setup).await;
            let mut document = row
                .document
                .replacen("ORG ", ORG, 1)
                .replacen("WEB ", WEB, 1)
                .replace("{id}", &id)
                .replace("{actor}", actor.name)
                .replace("{n}", &world.next().to_string());
            for (key, value) in &world.values {
                document = document.replace(&format!("{{{key}}}"), value);
            }
            let outcome = if row.document == "UPLOAD" {
                let n = world.next();
                outcome_of(&upload(&actor.client, archive(&format!("acme/u{n}"), "1.0.0")).await)
            } else if document.starts_with("subscription") {
                subscription_outcome(&app.base_url, actor.bearer.as_deref(), &document).await
            } else if row.operation == "login" {
                // Signing in replaces the session of the client that does it: use a
                // fresh client with the actor's bearer token, if any.
                let client = Client::new(&app.base_url, actor.client.bearer.clone());
                outcome_of(&client.graphql(&document, json!({})).await.body)
            } else {
                outcome_of(&actor.client.graphql(&document, json!({})).await.body)
            };
            if outcome != expected {
                mismatches.push(format!(
                    "{:<34} {:<11} expected {expected}, got {outcome}",
                    row.operation, actor.name
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "the API disagrees with the matrix:\n{}",
        mismatches.join("\n")
    );
}
