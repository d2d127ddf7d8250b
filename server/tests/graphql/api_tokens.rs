use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use packyard::db::schema::api_tokens;
use packyard::db_run;
use serde_json::json;

use crate::both_backends;
use crate::support::{Client, TestApp};

both_backends!(
    a_token_is_shown_once_and_authenticates,
    removed_and_expired_tokens_stop_working,
    tokens_of_others_cannot_be_removed,
    token_input_is_validated,
);

async fn a_token_is_shown_once_and_authenticates(app: TestApp) {
    let alice = app.user("alice").await;
    let created = alice
        .graphql("mutation { createApiToken(description: \"CI\") { secret token { id description prefix lastUsedAt } } }", json!({}))
        .await;
    let created = &created.data()["createApiToken"];
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("pyu_"));
    assert_eq!(created["token"]["prefix"], secret[..12]);
    assert_eq!(created["token"]["lastUsedAt"], json!(null));

    let with_token = Client::new(&app.base_url, Some(secret.to_owned()));
    let viewer = with_token
        .graphql("{ viewer { username } }", json!({}))
        .await;
    assert_eq!(viewer.data()["viewer"]["username"], "alice");

    // The list shows the token, its use, and never the secret.
    let listed = alice
        .graphql(
            "{ viewer { apiTokens { description prefix lastUsedAt } } }",
            json!({}),
        )
        .await;
    let tokens = &listed.data()["viewer"]["apiTokens"];
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    assert!(tokens[0]["lastUsedAt"].is_string());
    assert!(!listed.body.to_string().contains(secret));
}

async fn removed_and_expired_tokens_stop_working(app: TestApp) {
    let alice = app.user("alice").await;
    let (with_token, _) = app.token_client(&alice).await;
    let id = alice
        .graphql("{ viewer { apiTokens { id } } }", json!({}))
        .await
        .data()["viewer"]["apiTokens"][0]["id"]
        .clone();
    let removed = alice
        .graphql(
            "mutation($id: ID!) { removeApiToken(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(removed.data()["removeApiToken"], id);
    let rejected = with_token
        .graphql("{ viewer { username } }", json!({}))
        .await;
    assert_eq!(rejected.status, 401);
    assert_eq!(rejected.error_code(), "UNAUTHENTICATED");

    let (expiring, _) = app.token_client(&alice).await;
    let mut conn = app.state.db.get().await.unwrap();
    let past = packyard::db::now() - chrono::Duration::minutes(1);
    db_run!(conn: {
        diesel::update(api_tokens::table).set(api_tokens::expires_at.eq(past)).execute(conn).await.unwrap();
    });
    assert_eq!(
        expiring
            .graphql("{ viewer { username } }", json!({}))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    let garbage = Client::new(&app.base_url, Some("pyu_not-a-token".into()));
    assert_eq!(
        garbage.graphql("{ viewer { id } }", json!({})).await.status,
        401
    );
}

async fn tokens_of_others_cannot_be_removed(app: TestApp) {
    let alice = app.user("alice").await;
    let (alice_token, _) = app.token_client(&alice).await;
    let id = alice
        .graphql("{ viewer { apiTokens { id } } }", json!({}))
        .await
        .data()["viewer"]["apiTokens"][0]["id"]
        .clone();
    let bob = app.user("bob").await;
    let attempt = bob
        .graphql(
            "mutation($id: ID!) { removeApiToken(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(attempt.error_code(), "NOT_FOUND");
    alice_token
        .graphql("{ viewer { id } }", json!({}))
        .await
        .data();
}

async fn token_input_is_validated(app: TestApp) {
    let alice = app.user("alice").await;
    let empty = alice
        .graphql(
            "mutation { createApiToken(description: \"  \") { secret } }",
            json!({}),
        )
        .await;
    assert_eq!(empty.error_field(), Some("description"));
    let past = alice
        .graphql("mutation { createApiToken(description: \"old\", expiresAt: \"2001-01-01T00:00:00Z\") { secret } }", json!({}))
        .await;
    assert_eq!(past.error_code(), "BAD_USER_INPUT");
    assert_eq!(past.error_field(), Some("expiresAt"));
    let bad_id = alice
        .graphql("mutation { removeApiToken(id: \"abc\") }", json!({}))
        .await;
    assert_eq!(bad_id.error_field(), Some("id"));
}
