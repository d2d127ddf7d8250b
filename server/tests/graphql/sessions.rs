use serde_json::json;

use crate::both_backends;
use crate::support::{PASSWORD, TestApp};

const LOGIN: &str = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { username } } }";
const VIEWER: &str = "{ viewer { username isAdmin } }";

both_backends!(
    login_sets_an_http_only_cookie_and_logout_ends_the_session,
    wrong_password_is_unauthenticated_and_throttled,
    empty_credentials_are_bad_input,
    usernames_are_case_insensitive,
);

async fn login_sets_an_http_only_cookie_and_logout_ends_the_session(app: TestApp) {
    app.create_user("alice", false).await;
    let browser = app.anonymous();
    assert_eq!(
        browser.graphql(VIEWER, json!({})).await.data()["viewer"],
        json!(null)
    );

    let response = browser
        .graphql(LOGIN, json!({ "u": "alice", "p": PASSWORD }))
        .await;
    assert_eq!(response.data()["login"]["user"]["username"], "alice");
    let cookie = response.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("packyard_session=pys_"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let viewer = browser.graphql(VIEWER, json!({})).await;
    assert_eq!(
        viewer.data()["viewer"],
        json!({ "username": "alice", "isAdmin": false })
    );

    let logout = browser.graphql("mutation { logout }", json!({})).await;
    assert_eq!(logout.data()["logout"], true);
    assert!(
        logout.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        browser.graphql(VIEWER, json!({})).await.data()["viewer"],
        json!(null)
    );
    assert_eq!(
        browser
            .graphql("mutation { logout }", json!({}))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
}

async fn wrong_password_is_unauthenticated_and_throttled(app: TestApp) {
    app.create_user("bob", false).await;
    let client = app.anonymous();
    let limit = app.state.config.login_max_failures;
    for _ in 0..limit {
        let response = client
            .graphql(LOGIN, json!({ "u": "bob", "p": "not the password" }))
            .await;
        assert_eq!(response.error_code(), "UNAUTHENTICATED");
        assert_eq!(response.error_message(), "wrong username or password");
    }
    // Unknown users answer exactly like wrong passwords.
    let unknown = client
        .graphql(LOGIN, json!({ "u": "nobody", "p": "whatever it is" }))
        .await;
    assert_eq!(unknown.error_code(), "UNAUTHENTICATED");
    assert_eq!(unknown.error_message(), "wrong username or password");

    // Now even the right password is refused until the window passes.
    let throttled = client
        .graphql(LOGIN, json!({ "u": "bob", "p": PASSWORD }))
        .await;
    assert_eq!(throttled.error_code(), "RATE_LIMITED");
    let retry_after = throttled.body["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 15 * 60, "{retry_after}");
    // Another user from the same address is not locked out by bob's failures.
    app.create_user("carol", false).await;
    let carol = client
        .graphql(LOGIN, json!({ "u": "carol", "p": PASSWORD }))
        .await;
    assert_eq!(carol.data()["login"]["user"]["username"], "carol");
}

async fn empty_credentials_are_bad_input(app: TestApp) {
    let client = app.anonymous();
    let response = client.graphql(LOGIN, json!({ "u": " ", "p": "x" })).await;
    assert_eq!(response.error_code(), "BAD_USER_INPUT");
    assert_eq!(response.error_field(), Some("username"));
    let response = client
        .graphql(LOGIN, json!({ "u": "alice", "p": "" }))
        .await;
    assert_eq!(response.error_field(), Some("password"));
}

async fn usernames_are_case_insensitive(app: TestApp) {
    app.create_user("Dave", false).await;
    let response = app
        .anonymous()
        .graphql(LOGIN, json!({ "u": "DAVE", "p": PASSWORD }))
        .await;
    assert_eq!(response.data()["login"]["user"]["username"], "dave");
}
