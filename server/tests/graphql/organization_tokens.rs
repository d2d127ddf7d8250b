use serde_json::json;

use crate::both_backends;
use crate::support::TestApp;

both_backends!(
    tokens_are_shown_once_and_regenerated_with_confirmation,
    credentials_are_stored_sealed_and_never_returned
);

async fn tokens_are_shown_once_and_regenerated_with_confirmation(app: TestApp) {
    let owner = app.user("owner").await;
    let secret = app.organization_with_token(&owner, "acme").await;
    assert!(secret.starts_with("pyo_"));
    let listed = owner
        .graphql("{ organization(urlName: \"acme\") { tokens { id description access prefix } composerRepository { url authJson } } }", json!({}))
        .await;
    let organization = &listed.data()["organization"];
    assert_eq!(organization["tokens"][0]["access"], "READ");
    assert_eq!(organization["tokens"][0]["prefix"], secret[..12]);
    assert!(!listed.body.to_string().contains(&secret));
    assert_eq!(
        organization["composerRepository"]["url"],
        format!("{}/acme", app.base_url)
    );
    assert!(
        organization["composerRepository"]["authJson"]
            .as_str()
            .unwrap()
            .contains("\"username\": \"token\"")
    );

    let id = organization["tokens"][0]["id"].clone();
    let query = "mutation($id: ID!, $c: Boolean!) { regenerateToken(id: $id, iConfirmOldTokenWillStopWorkingImmediately: $c) { secret } }";
    let unconfirmed = owner.graphql(query, json!({ "id": id, "c": false })).await;
    assert_eq!(
        unconfirmed.error_field(),
        Some("iConfirmOldTokenWillStopWorkingImmediately")
    );
    let regenerated = owner.graphql(query, json!({ "id": id, "c": true })).await;
    let new_secret = regenerated.data()["regenerateToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let http = reqwest::Client::new();
    let url = format!("{}/acme/packages.json", app.base_url);
    let status = |token: String| {
        let http = http.clone();
        let url = url.clone();
        async move {
            http.get(url)
                .basic_auth("token", Some(token))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(status(secret).await, 401);
    assert_eq!(status(new_secret).await, 200);

    let stranger = app.user("stranger").await;
    assert_eq!(
        stranger
            .graphql(query, json!({ "id": id, "c": true }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
    let past = owner
        .graphql("mutation { createToken(organization: \"acme\", description: \"x\", access: UPDATE, expiresAt: \"2000-01-01T00:00:00Z\") { secret } }", json!({}))
        .await;
    assert_eq!(past.error_field(), Some("expiresAt"));
}

async fn credentials_are_stored_sealed_and_never_returned(app: TestApp) {
    let owner = app.user("owner").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    let create = "mutation($t: CredentialType!, $u: String, $p: String, $k: String) {
        createCredential(organization: \"acme\", description: \"GitHub bot\", type: $t, domain: \"GitHub.com\", username: $u, password: $p, token: $k) { id type domain } }";
    let missing = owner
        .graphql(create, json!({ "t": "HTTP_BASIC", "u": "bot" }))
        .await;
    assert_eq!(missing.error_code(), "BAD_USER_INPUT");
    assert_eq!(missing.error_field(), Some("password"));
    let created = owner
        .graphql(
            create,
            json!({ "t": "GITHUB_OAUTH", "k": "ghp_supersecret" }),
        )
        .await;
    assert_eq!(created.data()["createCredential"]["type"], "GITHUB_OAUTH");
    assert_eq!(created.data()["createCredential"]["domain"], "github.com");

    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { credentials { description type domain } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed.data()["organization"]["credentials"][0]["description"],
        "GitHub bot"
    );
    assert!(!listed.body.to_string().contains("ghp_supersecret"));

    // At rest the secret is encrypted.
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use packyard::db::schema::credentials;
    let mut conn = app.state.db.get().await.unwrap();
    let sealed: String = packyard::db_run!(conn: {
        credentials::table.select(credentials::sealed_secret).first(conn).await.unwrap()
    });
    assert!(sealed.starts_with("v1:") && !sealed.contains("ghp_supersecret"));

    let id = created.data()["createCredential"]["id"].clone();
    let edited = owner
        .graphql("mutation($id: ID!) { editCredential(id: $id, type: HTTP_BASIC, username: \"bot\", password: \"pw\") { type } }", json!({ "id": id }))
        .await;
    assert_eq!(edited.data()["editCredential"]["type"], "HTTP_BASIC");
    let stranger = app.user("stranger").await;
    assert_eq!(
        stranger
            .graphql(
                "mutation($id: ID!) { removeCredential(id: $id) }",
                json!({ "id": id })
            )
            .await
            .error_code(),
        "NOT_FOUND"
    );
    owner
        .graphql(
            "mutation($id: ID!) { removeCredential(id: $id) }",
            json!({ "id": id }),
        )
        .await
        .data();
}
