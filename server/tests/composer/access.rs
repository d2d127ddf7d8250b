//! What a Composer client sees with each kind of credential: a team-scoped token, a
//! member's personal token, a suborganization's token.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Client, TestApp};

both_backends!(
    team_tokens_see_exactly_their_teams_packages,
    personal_tokens_follow_membership,
    suborganization_repositories_serve_only_their_packages,
);

async fn get(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", app.base_url))
        .basic_auth("token", Some(token))
        .send()
        .await
        .unwrap()
}

async fn available(app: &TestApp, repository: &str, token: &str) -> Value {
    let root = get(app, &format!("{repository}packages.json"), token).await;
    assert_eq!(root.status(), StatusCode::OK);
    root.json::<Value>().await.unwrap()["available-packages"].clone()
}

/// Two git packages, acme/lib and acme/other, read and published.
async fn two_packages(app: &TestApp, owner: &Client, dir: &std::path::Path) {
    for name in ["lib", "other"] {
        let repo = GitRepo::init(&dir.join(name), "main");
        repo.commit(
            &[(
                "composer.json",
                &library_manifest(&format!("acme/{name}"), "Acme\\X", &[]),
            )],
            "first",
        );
        repo.tag("v1.0.0");
        let job = owner
            .graphql(
                "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
                json!({ "u": repo.url() }),
            )
            .await
            .data()["createVcsPackage"]["id"]
            .clone();
        assert_eq!(app.wait_for_job(owner, &job).await["status"], "SUCCESS");
    }
}

async fn create_team(owner: &Client, name: &str) -> String {
    owner
        .graphql(
            "mutation($n: String!) { createTeam(organization: \"acme\", name: $n) { id } }",
            json!({ "n": name }),
        )
        .await
        .data()["createTeam"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn grant(owner: &Client, team: &str, package: &str) {
    owner
        .graphql(
            "mutation($t: ID!, $p: String!) { addTeamPackages(teamId: $t, packages: [$p]) { name } }",
            json!({ "t": team, "p": package }),
        )
        .await
        .data();
}

async fn team_tokens_see_exactly_their_teams_packages(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let owner = app.user("owner").await;
    let all = app.organization_with_token(&owner, "acme").await;
    two_packages(&app, &owner, dir.path()).await;
    let readers = create_team(&owner, "Readers").await;
    grant(&owner, &readers, "acme/lib").await;
    let both = owner
        .graphql(
            "mutation($t: ID!) { createToken(organization: \"acme\", description: \"x\", access: READ, teamId: $t, accessToAllPackages: true) { secret } }",
            json!({ "t": readers }),
        )
        .await;
    assert_eq!(both.error_field(), Some("teamId"));
    let team_token = owner
        .graphql(
            "mutation($t: ID!) { createToken(organization: \"acme\", description: \"readers\", access: READ, teamId: $t) { secret } }",
            json!({ "t": readers }),
        )
        .await
        .data()["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    assert_eq!(
        available(&app, "/acme/", &all).await,
        json!(["acme/lib", "acme/other"])
    );
    assert_eq!(
        available(&app, "/acme/", &team_token).await,
        json!(["acme/lib"])
    );
    assert_eq!(
        get(&app, "/acme/p2/acme/lib.json", &team_token)
            .await
            .status(),
        StatusCode::OK
    );
    for hidden in ["/acme/p2/acme/other.json", "/acme/p2/acme/other~dev.json"] {
        assert_eq!(
            get(&app, hidden, &team_token).await.status(),
            StatusCode::NOT_FOUND,
            "{hidden}"
        );
    }
    // The dist of a package the team does not have is not served either.
    let other: Value = get(&app, "/acme/p2/acme/other.json", &all)
        .await
        .json()
        .await
        .unwrap();
    let dist = other["packages"]["acme/other"][0]["dist"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let dist_path = dist.strip_prefix(&app.base_url).unwrap().to_owned();
    assert_eq!(get(&app, &dist_path, &all).await.status(), StatusCode::OK);
    assert_eq!(
        get(&app, &dist_path, &team_token).await.status(),
        StatusCode::NOT_FOUND
    );

    // A grant reaches the token at once.
    grant(&owner, &readers, "acme/other").await;
    assert_eq!(
        available(&app, "/acme/", &team_token).await,
        json!(["acme/lib", "acme/other"])
    );
    assert_eq!(
        get(&app, &dist_path, &team_token).await.status(),
        StatusCode::OK
    );

    // The same token on GraphQL reads what its repository shows.
    let api = Client::new(&app.base_url, Some(team_token.clone()));
    owner
        .graphql(
            "mutation($t: ID!) { removeTeamPackage(teamId: $t, package: \"acme/other\") { id } }",
            json!({ "t": readers }),
        )
        .await
        .data();
    let listed = api
        .graphql(
            "{ organization(urlName: \"acme\") { packages { nodes { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed.data()["organization"]["packages"]["nodes"],
        json!([{ "name": "acme/lib" }])
    );
    // Removing the team removes its token.
    owner
        .graphql(
            "mutation($t: ID!) { removeTeam(id: $t) }",
            json!({ "t": readers }),
        )
        .await
        .data();
    assert_eq!(
        get(&app, "/acme/packages.json", &team_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn personal_tokens_follow_membership(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    two_packages(&app, &owner, dir.path()).await;
    let readers = create_team(&owner, "Readers").await;
    grant(&owner, &readers, "acme/lib").await;
    let user_id = app.create_user("dev", false).await;
    let invitation = owner
        .graphql(
            "mutation($t: ID!) { inviteMember(organization: \"acme\", usernameOrEmail: \"dev\", teamIds: [$t]) { id } }",
            json!({ "t": readers }),
        )
        .await
        .data()["inviteMember"]["id"]
        .clone();
    let dev = app.login("dev").await;
    dev.graphql(
        "mutation($i: ID!) { acceptInvitation(id: $i) }",
        json!({ "i": invitation }),
    )
    .await
    .data();
    let (_, personal) = app.token_client(&dev).await;

    assert_eq!(
        available(&app, "/acme/", &personal).await,
        json!(["acme/lib"])
    );
    assert_eq!(
        get(&app, "/acme/p2/acme/other.json", &personal)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    owner
        .graphql(
            "mutation($u: ID!) { removeMember(organization: \"acme\", userId: $u) }",
            json!({ "u": user_id.to_string() }),
        )
        .await
        .data();
    assert_eq!(
        get(&app, "/acme/p2/acme/lib.json", &personal)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn suborganization_repositories_serve_only_their_packages(app: TestApp) {
    let owner = app.user("owner").await;
    let parent_token = app.organization_with_token(&owner, "acme").await;
    owner
        .graphql(
            "mutation { createCustomPackage(organization: \"acme\", definition: \"{\\\"name\\\": \\\"acme/lib\\\", \\\"version\\\": \\\"1.0.0\\\", \\\"dist\\\": {\\\"type\\\": \\\"zip\\\", \\\"url\\\": \\\"https://example.com/l.zip\\\"}}\") { id } }",
            json!({}),
        )
        .await
        .data();
    let created = owner
        .graphql(
            "mutation { createSuborganization(organization: \"acme\", name: \"Web Shop\") { urlName composerRepository { url } } }",
            json!({}),
        )
        .await;
    let suborganization = created.data()["createSuborganization"].clone();
    assert_eq!(suborganization["urlName"], "web-shop");
    assert_eq!(
        suborganization["composerRepository"]["url"],
        format!("{}/acme/web-shop", app.base_url)
    );
    let reserved = owner
        .graphql(
            "mutation { createSuborganization(organization: \"acme\", name: \"p2\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(reserved.error_field(), Some("urlName"));
    let job = owner
        .graphql(
            "mutation($d: String!) { createCustomPackage(organization: \"acme\", suborganization: \"web-shop\", definition: $d) { id } }",
            json!({ "d": json!({ "name": "acme/site", "version": "2.0.0", "dist": { "type": "zip", "url": "https://example.com/s.zip" } }).to_string() }),
        )
        .await
        .data()["createCustomPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job).await["status"], "SUCCESS");
    let sub_token = owner
        .graphql(
            "mutation { createSuborganizationToken(organization: \"acme\", suborganization: \"web-shop\", description: \"shop\", access: READ) { secret } }",
            json!({}),
        )
        .await
        .data()["createSuborganizationToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    let root: Value = get(&app, "/acme/web-shop/packages.json", &sub_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(root["available-packages"], json!(["acme/site"]));
    assert_eq!(root["metadata-url"], "/acme/web-shop/p2/%package%.json");
    assert_eq!(
        get(&app, "/acme/web-shop/p2/acme/site.json", &sub_token)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/acme/web-shop/p2/acme/lib.json", &sub_token)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Each token opens its own repository only.
    assert_eq!(
        get(&app, "/acme/packages.json", &sub_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/acme/web-shop/packages.json", &parent_token)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        available(&app, "/acme/", &parent_token).await,
        json!(["acme/lib"])
    );

    // A team with the view permission sees the suborganization's packages.
    let viewers = owner
        .graphql(
            "mutation { createTeam(organization: \"acme\", name: \"Viewers\") { id } }",
            json!({}),
        )
        .await
        .data()["createTeam"]["id"]
        .clone();
    owner
        .graphql(
            "mutation($t: ID!) { addOrEditSuborganizationTeams(organization: \"acme\", suborganization: \"web-shop\", teams: [{ teamId: $t, permission: VIEW }]) { teams { permission team { name } } } }",
            json!({ "t": viewers }),
        )
        .await
        .data();
    app.create_user("viewer", false).await;
    let invitation = owner
        .graphql(
            "mutation($t: ID!) { inviteMember(organization: \"acme\", usernameOrEmail: \"viewer\", teamIds: [$t]) { id } }",
            json!({ "t": viewers }),
        )
        .await
        .data()["inviteMember"]["id"]
        .clone();
    let viewer = app.login("viewer").await;
    viewer
        .graphql(
            "mutation($i: ID!) { acceptInvitation(id: $i) }",
            json!({ "i": invitation }),
        )
        .await
        .data();
    let seen = viewer
        .graphql(
            "{ organization(urlName: \"acme\") { suborganizations { urlName viewerIsOwner packages { nodes { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        seen.data()["organization"]["suborganizations"],
        json!([{ "urlName": "web-shop", "viewerIsOwner": false, "packages": { "nodes": [{ "name": "acme/site" }] } }])
    );

    // Removed, it takes its token and packages with it.
    owner
        .graphql(
            "mutation { removeSuborganization(organization: \"acme\", suborganization: \"web-shop\") }",
            json!({}),
        )
        .await
        .data();
    assert_eq!(
        get(&app, "/acme/web-shop/packages.json", &sub_token)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}
