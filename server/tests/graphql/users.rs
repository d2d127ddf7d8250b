use serde_json::json;

use crate::both_backends;
use crate::support::TestApp;

const CREATE_USER: &str = "mutation($u: String!, $p: String!, $e: String, $a: Boolean!) {
    createUser(username: $u, password: $p, email: $e, isAdmin: $a) { username email isAdmin }
}";

both_backends!(
    admins_create_users_others_may_not,
    bad_user_input_names_the_field,
    duplicates_conflict,
    members_list_shows_the_owner_with_email,
);

async fn admins_create_users_others_may_not(app: TestApp) {
    let admin = app.admin("root").await;
    let vars =
        json!({ "u": "NewUser", "p": "a fine password", "e": "New@Example.com", "a": false });
    let created = admin.graphql(CREATE_USER, vars.clone()).await;
    assert_eq!(
        created.data()["createUser"],
        json!({ "username": "newuser", "email": "new@example.com", "isAdmin": false })
    );
    // The new user can sign in with that password.
    let login = app
        .anonymous()
        .graphql(
            "mutation { login(username: \"newuser\", password: \"a fine password\") { user { username } } }",
            json!({}),
        )
        .await;
    assert_eq!(login.data()["login"]["user"]["username"], "newuser");

    let member = app.user("member").await;
    let vars = json!({ "u": "other", "p": "a fine password", "a": true });
    assert_eq!(
        member.graphql(CREATE_USER, vars.clone()).await.error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.anonymous()
            .graphql(CREATE_USER, vars)
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
}

async fn bad_user_input_names_the_field(app: TestApp) {
    let admin = app.admin("root").await;
    for (vars, field) in [
        (
            json!({ "u": "x", "p": "a fine password", "a": false }),
            "username",
        ),
        (
            json!({ "u": "bad name", "p": "a fine password", "a": false }),
            "username",
        ),
        (
            json!({ "u": "okname", "p": "short", "a": false }),
            "password",
        ),
        (
            json!({ "u": "okname", "p": "a fine password", "e": "not-an-email", "a": false }),
            "email",
        ),
    ] {
        let response = admin.graphql(CREATE_USER, vars.clone()).await;
        assert_eq!(response.error_code(), "BAD_USER_INPUT", "{vars}");
        assert_eq!(response.error_field(), Some(field), "{vars}");
    }
    // Nothing was half-written.
    let login = app
        .anonymous()
        .graphql("mutation { login(username: \"okname\", password: \"a fine password\") { user { id } } }", json!({}))
        .await;
    assert_eq!(login.error_code(), "UNAUTHENTICATED");
}

async fn duplicates_conflict(app: TestApp) {
    let admin = app.admin("root").await;
    app.create_user("taken", false).await;
    let response = admin
        .graphql(
            CREATE_USER,
            json!({ "u": "TAKEN", "p": "a fine password", "a": false }),
        )
        .await;
    assert_eq!(response.error_code(), "CONFLICT");
    assert_eq!(response.error_field(), Some("username"));
    let response = admin
        .graphql(
            CREATE_USER,
            json!({ "u": "fresh", "p": "a fine password", "e": "taken@example.com", "a": false }),
        )
        .await;
    assert_eq!(response.error_code(), "CONFLICT");
    assert_eq!(response.error_field(), Some("email"));
}

async fn members_list_shows_the_owner_with_email(app: TestApp) {
    let alice = app.user("alice").await;
    let own = alice.graphql("{ viewer { email } }", json!({})).await;
    assert_eq!(own.data()["viewer"]["email"], "alice@example.com");
    // The creator is the first member, as owner.
    alice
        .graphql(
            "mutation { createOrganization(name: \"Acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    let members = alice
        .graphql("{ organization(urlName: \"acme\") { members { nodes { user { username email } role } } } }", json!({}))
        .await;
    assert_eq!(
        members.data()["organization"]["members"]["nodes"][0],
        json!({ "user": { "username": "alice", "email": "alice@example.com" }, "role": "OWNER" })
    );
}
