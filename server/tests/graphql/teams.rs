//! Teams, members and invitations as owners and members use them (who may do what is in
//! authorization.rs).

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::{Client, TestApp};

both_backends!(
    teams_carry_permissions_members_and_packages,
    the_owners_team_keeps_its_rights_and_a_member,
    members_join_by_invitation_and_leave_at_once,
    packages_added_by_members_reach_their_teams,
    lists_reached_through_other_objects_name_only_visible_packages,
);

fn definition(name: &str) -> String {
    json!({ "name": name, "version": "1.0.0", "dist": { "type": "zip", "url": "https://example.com/p.zip" } })
        .to_string()
}

async fn add_package(app: &TestApp, client: &Client, name: &str) {
    let job = client
        .graphql(
            "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
            json!({ "d": definition(name) }),
        )
        .await
        .data()["createCustomPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(client, &job).await["status"], "SUCCESS");
}

pub(crate) async fn create_team(owner: &Client, name: &str, bits: i32) -> String {
    owner
        .graphql(
            "mutation($n: String!, $b: Int!) { createTeam(organization: \"acme\", name: $n, permissionBits: $b) { id } }",
            json!({ "n": name, "b": bits }),
        )
        .await
        .data()["createTeam"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `username` joins acme (and `teams`) through an invitation; their signed-in client.
pub(crate) async fn join(
    app: &TestApp,
    owner: &Client,
    username: &str,
    teams: &[&str],
) -> (Client, String) {
    let user_id = app.create_user(username, false).await.to_string();
    let invitation = owner
        .graphql(
            "mutation($u: String!, $t: [ID!]!) { inviteMember(organization: \"acme\", usernameOrEmail: $u, teamIds: $t) { id teams { id } } }",
            json!({ "u": username, "t": teams }),
        )
        .await
        .data()["inviteMember"]
        .clone();
    assert_eq!(invitation["teams"].as_array().unwrap().len(), teams.len());
    let client = app.login(username).await;
    let accepted = client
        .graphql(
            "mutation($i: ID!) { acceptInvitation(id: $i) }",
            json!({ "i": invitation["id"] }),
        )
        .await;
    assert_eq!(accepted.data()["acceptInvitation"], "acme");
    (client, user_id)
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|package| package["name"].as_str().unwrap())
        .collect()
}

async fn visible_packages(client: &Client) -> Vec<String> {
    let response = client
        .graphql(
            "{ organization(urlName: \"acme\") { packages { nodes { name } } } }",
            json!({}),
        )
        .await;
    names(&response.data()["organization"]["packages"]["nodes"])
        .into_iter()
        .map(str::to_owned)
        .collect()
}

async fn teams_carry_permissions_members_and_packages(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    add_package(&app, &owner, "acme/lib").await;
    add_package(&app, &owner, "acme/other").await;

    // Flags and bits are two spellings of the same permissions.
    let created = owner
        .graphql(
            "mutation { createTeam(organization: \"acme\", name: \"Developers\", permissions: { canEditTeamPackages: true, canAddPackages: false, canCreateSuborganizations: false, canViewVendorCustomers: true, canManageVendorCustomers: false }) { id permissionBits permissions { canEditTeamPackages canViewVendorCustomers } } }",
            json!({}),
        )
        .await;
    let team = created.data()["createTeam"].clone();
    assert_eq!(team["permissionBits"], 9);
    let team_id = team["id"].as_str().unwrap().to_owned();
    let by_bits = owner
        .graphql(
            "mutation($t: ID!) { editTeam(id: $t, permissionBits: 18) { permissions { canAddPackages canManageVendorCustomers canViewVendorCustomers canEditTeamPackages } } }",
            json!({ "t": team_id }),
        )
        .await;
    assert_eq!(
        by_bits.data()["editTeam"]["permissions"],
        json!({ "canAddPackages": true, "canManageVendorCustomers": true, "canViewVendorCustomers": true, "canEditTeamPackages": false })
    );
    let both = owner
        .graphql(
            "mutation($t: ID!) { editTeam(id: $t, permissionBits: 1, permissions: { canEditTeamPackages: true, canAddPackages: false, canCreateSuborganizations: false, canViewVendorCustomers: false, canManageVendorCustomers: false }) { id } }",
            json!({ "t": team_id }),
        )
        .await;
    assert_eq!(both.error_code(), "BAD_USER_INPUT");
    let too_many_bits = owner
        .graphql("mutation { createTeam(organization: \"acme\", name: \"X\", permissionBits: 64) { id } }", json!({}))
        .await;
    assert_eq!(too_many_bits.error_field(), Some("permissionBits"));
    let duplicate = owner
        .graphql(
            "mutation { createTeam(organization: \"acme\", name: \"Developers\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(duplicate.error_code(), "CONFLICT");

    // A member sees the packages their team has, by name or by id.
    let (dev, dev_id) = join(&app, &owner, "dev", &[&team_id]).await;
    assert!(visible_packages(&dev).await.is_empty());
    let granted = owner
        .graphql(
            "mutation($t: ID!) { addTeamPackages(teamId: $t, packages: [\"acme/lib\"]) { name } }",
            json!({ "t": team_id }),
        )
        .await;
    assert_eq!(names(&granted.data()["addTeamPackages"]), ["acme/lib"]);
    assert_eq!(visible_packages(&dev).await, ["acme/lib"]);
    let unknown = owner
        .graphql(
            "mutation($t: ID!) { addTeamPackages(teamId: $t, packages: [\"acme/nope\"]) { name } }",
            json!({ "t": team_id }),
        )
        .await;
    assert_eq!(unknown.error_field(), Some("packages"));

    // Access to all packages covers the current ones and those added later; revoking it
    // keeps what the team sees now and stops new packages from reaching it.
    owner
        .graphql("mutation($t: ID!) { grantTeamAccessToAllPackages(teamId: $t) { accessToAllPackages } }", json!({ "t": team_id }))
        .await
        .data();
    assert_eq!(visible_packages(&dev).await, ["acme/lib", "acme/other"]);
    add_package(&app, &owner, "acme/later").await;
    assert_eq!(
        visible_packages(&dev).await,
        ["acme/lib", "acme/other", "acme/later"]
    );
    let revoked = owner
        .graphql("mutation($t: ID!) { revokeTeamAccessToAllPackages(teamId: $t) { accessToAllPackages packages { name } } }", json!({ "t": team_id }))
        .await;
    assert_eq!(
        revoked.data()["revokeTeamAccessToAllPackages"]["accessToAllPackages"],
        false
    );
    add_package(&app, &owner, "acme/newest").await;
    assert_eq!(
        visible_packages(&dev).await,
        ["acme/lib", "acme/other", "acme/later"]
    );

    // The team lists its members; removing one from the team takes the packages away.
    let team_view = owner
        .graphql(
            "query($t: ID!) { organization(urlName: \"acme\") { team(id: $t) { members { username } } } }",
            json!({ "t": team_id }),
        )
        .await;
    assert_eq!(
        team_view.data()["organization"]["team"]["members"],
        json!([{ "username": "dev" }])
    );
    owner
        .graphql(
            "mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) { id } }",
            json!({ "t": team_id, "u": dev_id }),
        )
        .await
        .data();
    assert!(visible_packages(&dev).await.is_empty());
    owner
        .graphql(
            "mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) { id } }",
            json!({ "t": team_id, "u": dev_id }),
        )
        .await
        .data();
    owner
        .graphql(
            "mutation($t: ID!) { removeTeamPackage(teamId: $t, package: \"acme/lib\") { id } }",
            json!({ "t": team_id }),
        )
        .await
        .data();
    assert_eq!(visible_packages(&dev).await, ["acme/other", "acme/later"]);

    // Only members of the organization join teams.
    let outsider = app.create_user("outsider", false).await;
    let refused = owner
        .graphql(
            "mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) { id } }",
            json!({ "t": team_id, "u": outsider.to_string() }),
        )
        .await;
    assert_eq!(refused.error_field(), Some("userId"));

    // Removing the team removes its tokens.
    let token = owner
        .graphql(
            "mutation($t: ID!) { createToken(organization: \"acme\", description: \"team\", access: READ, teamId: $t) { token { teamId accessToAllPackages } } }",
            json!({ "t": team_id }),
        )
        .await;
    assert_eq!(
        token.data()["createToken"]["token"],
        json!({ "teamId": team_id, "accessToAllPackages": false })
    );
    owner
        .graphql(
            "mutation($t: ID!) { removeTeam(id: $t) }",
            json!({ "t": team_id }),
        )
        .await
        .data();
    let tokens = owner
        .graphql(
            "{ organization(urlName: \"acme\") { tokens { description } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        tokens.data()["organization"]["tokens"],
        json!([{ "description": "ci" }])
    );
}

async fn the_owners_team_keeps_its_rights_and_a_member(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let teams = owner
        .graphql(
            "{ viewer { id } organization(urlName: \"acme\") { viewerRole teams { id name isOwners permissionBits accessToAllPackages members { username } } } }",
            json!({}),
        )
        .await;
    let data = teams.data().clone();
    assert_eq!(data["organization"]["viewerRole"], "OWNER");
    let owners = &data["organization"]["teams"][0];
    assert_eq!(owners["isOwners"], true);
    assert_eq!(owners["permissionBits"], 31);
    assert_eq!(owners["accessToAllPackages"], true);
    assert_eq!(owners["members"], json!([{ "username": "owner" }]));
    let owners_id = owners["id"].as_str().unwrap();
    let owner_id = data["viewer"]["id"].as_str().unwrap();

    let narrowed = owner
        .graphql(
            "mutation($t: ID!) { editTeam(id: $t, permissionBits: 1) { id } }",
            json!({ "t": owners_id }),
        )
        .await;
    assert_eq!(narrowed.error_code(), "BAD_USER_INPUT");
    let removed = owner
        .graphql(
            "mutation($t: ID!) { removeTeam(id: $t) }",
            json!({ "t": owners_id }),
        )
        .await;
    assert_eq!(removed.error_code(), "CONFLICT");
    let last = owner
        .graphql(
            "mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) { id } }",
            json!({ "t": owners_id, "u": owner_id }),
        )
        .await;
    assert_eq!(last.error_code(), "CONFLICT");
    let leave = owner
        .graphql(
            "mutation($u: ID!) { removeMember(organization: \"acme\", userId: $u) }",
            json!({ "u": owner_id }),
        )
        .await;
    assert_eq!(leave.error_code(), "CONFLICT");

    // With a second owner, the first may go.
    let (second, _) = join(&app, &owner, "second", &[owners_id]).await;
    let role = second
        .graphql(
            "{ organization(urlName: \"acme\") { viewerRole } }",
            json!({}),
        )
        .await;
    assert_eq!(role.data()["organization"]["viewerRole"], "OWNER");
    owner
        .graphql(
            "mutation($u: ID!) { removeMember(organization: \"acme\", userId: $u) }",
            json!({ "u": owner_id }),
        )
        .await
        .data();
    assert_eq!(
        owner
            .graphql("{ organization(urlName: \"acme\") { name } }", json!({}))
            .await
            .error_code(),
        "NOT_FOUND"
    );
}

async fn members_join_by_invitation_and_leave_at_once(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let readers = create_team(&owner, "Readers", 0).await;

    // By email: the user whose account has that address sees and accepts it.
    app.create_user("erin", false).await;
    let invited = owner
        .graphql(
            "mutation($t: ID!) { inviteMember(organization: \"acme\", usernameOrEmail: \"Erin@Example.com\", teamIds: [$t]) { id email } }",
            json!({ "t": readers }),
        )
        .await;
    assert_eq!(invited.data()["inviteMember"]["email"], "erin@example.com");
    let erin = app.login("erin").await;
    let pending = erin
        .graphql(
            "{ viewer { invitations { id organizationUrlName teams { name } } } }",
            json!({}),
        )
        .await;
    let invitation = pending.data()["viewer"]["invitations"][0].clone();
    assert_eq!(invitation["organizationUrlName"], "acme");
    assert_eq!(invitation["teams"], json!([{ "name": "Readers" }]));
    // Nobody else may accept it.
    let mallory = app.user("mallory").await;
    let stolen = mallory
        .graphql(
            "mutation($i: ID!) { acceptInvitation(id: $i) }",
            json!({ "i": invitation["id"] }),
        )
        .await;
    assert_eq!(stolen.error_code(), "NOT_FOUND");
    erin.graphql(
        "mutation($i: ID!) { acceptInvitation(id: $i) }",
        json!({ "i": invitation["id"] }),
    )
    .await
    .data();
    let members = owner
        .graphql(
            "{ organization(urlName: \"acme\") { members { totalCount nodes { role user { username } teams { name } } } invitations { id } } }",
            json!({}),
        )
        .await;
    let organization = members.data()["organization"].clone();
    assert_eq!(organization["members"]["totalCount"], 2);
    assert_eq!(
        organization["members"]["nodes"][1],
        json!({ "role": "MEMBER", "user": { "username": "erin" }, "teams": [{ "name": "Readers" }] })
    );
    assert_eq!(organization["invitations"], json!([]));

    // Inviting a member again, or someone unknown by name, is refused.
    let again = owner
        .graphql(
            "mutation { inviteMember(organization: \"acme\", usernameOrEmail: \"erin\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(again.error_code(), "CONFLICT");
    let unknown = owner
        .graphql(
            "mutation { inviteMember(organization: \"acme\", usernameOrEmail: \"nobody\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown.error_field(), Some("usernameOrEmail"));

    // A declined invitation is gone.
    let declined = owner
        .graphql("mutation { inviteMember(organization: \"acme\", usernameOrEmail: \"mallory\") { id } }", json!({}))
        .await
        .data()["inviteMember"]["id"]
        .clone();
    let open = owner
        .graphql(
            "{ organization(urlName: \"acme\") { invitations { username email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        open.data()["organization"]["invitations"],
        json!([{ "username": "mallory", "email": null }])
    );
    mallory
        .graphql(
            "mutation($i: ID!) { removeInvitation(id: $i) }",
            json!({ "i": declined }),
        )
        .await
        .data();
    assert_eq!(
        mallory
            .graphql("{ viewer { invitations { id } } }", json!({}))
            .await
            .data()["viewer"]["invitations"],
        json!([])
    );

    // Removed: the session and a personal token lose the organization on their next
    // request.
    let (erin_token, _) = app.token_client(&erin).await;
    let erin_id = organization["members"]["nodes"][1]["user"]["username"].clone();
    assert_eq!(erin_id, "erin");
    let erin_user_id =
        erin.graphql("{ viewer { id } }", json!({})).await.data()["viewer"]["id"].clone();
    owner
        .graphql(
            "mutation($u: ID!) { removeMember(organization: \"acme\", userId: $u) }",
            json!({ "u": erin_user_id }),
        )
        .await
        .data();
    for client in [&erin, &erin_token] {
        assert_eq!(
            client
                .graphql("{ organization(urlName: \"acme\") { name } }", json!({}))
                .await
                .error_code(),
            "NOT_FOUND"
        );
    }
}

async fn packages_added_by_members_reach_their_teams(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let adders = create_team(&owner, "Adders", 2 | 1).await;
    let (adder, _) = join(&app, &owner, "adder", &[&adders]).await;
    add_package(&app, &adder, "acme/mine").await;
    // They see what they added and may change it (their team may edit its packages).
    assert_eq!(visible_packages(&adder).await, ["acme/mine"]);
    let team = owner
        .graphql(
            "query($t: ID!) { organization(urlName: \"acme\") { team(id: $t) { packages { name } } } }",
            json!({ "t": adders }),
        )
        .await;
    assert_eq!(
        names(&team.data()["organization"]["team"]["packages"]),
        ["acme/mine"]
    );
    adder
        .graphql(
            "mutation { removePackage(organization: \"acme\", name: \"acme/mine\") }",
            json!({}),
        )
        .await
        .data();
    assert!(visible_packages(&owner).await.is_empty());
}

async fn lists_reached_through_other_objects_name_only_visible_packages(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    add_package(&app, &owner, "acme/lib").await;
    let app_definition = json!({ "name": "acme/app", "version": "1.0.0", "require": { "acme/lib": "^1.0" },
        "dist": { "type": "zip", "url": "https://example.com/app.zip" } });
    let job = owner
        .graphql(
            "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
            json!({ "d": app_definition.to_string() }),
        )
        .await
        .data()["createCustomPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job).await["status"], "SUCCESS");
    let readers = create_team(&owner, "Readers", 0).await;
    let apps = create_team(&owner, "Apps", 0).await;
    for (team, package) in [(&readers, "acme/lib"), (&apps, "acme/app")] {
        owner
            .graphql(
                "mutation($t: ID!, $p: String!) { addTeamPackages(teamId: $t, packages: [$p]) { name } }",
                json!({ "t": team, "p": package }),
            )
            .await
            .data();
    }
    let (reader, _) = join(&app, &owner, "reader", &[&readers]).await;
    let query = "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { dependents { name } } teams { name packages { name } } } }";
    let owner_view = owner.graphql(query, json!({})).await;
    assert_eq!(
        owner_view.data()["organization"]["package"]["dependents"],
        json!([{ "name": "acme/app" }])
    );
    let reader_view = reader.graphql(query, json!({})).await;
    let organization = &reader_view.data()["organization"];
    assert_eq!(organization["package"]["dependents"], json!([]));
    let apps_team = organization["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|team| team["name"] == "Apps")
        .unwrap();
    assert_eq!(apps_team["packages"], json!([]));
}
