use serde_json::json;

use crate::both_backends;
use crate::support::TestApp;

both_backends!(malformed_and_oversized_queries_are_bad_input);

async fn malformed_and_oversized_queries_are_bad_input(app: TestApp) {
    let client = app.anonymous();
    let syntax = client.graphql("{ viewer {", json!({})).await;
    assert_eq!(syntax.error_code(), "BAD_USER_INPUT");
    let unknown = client.graphql("{ nothingHere }", json!({})).await;
    assert_eq!(unknown.error_code(), "BAD_USER_INPUT");
    let wrong_type = client.graphql("{ job(id: 5.5) { id } }", json!({})).await;
    assert_eq!(wrong_type.error_code(), "BAD_USER_INPUT");

    // Nesting beyond the depth limit is refused before anything runs.
    let query = "{ viewer { organizations { nodes { members { nodes { user { organizations { nodes { members { nodes { user { organizations { nodes { id } } } } } } } } } } } } } }";
    let deep = client.graphql(query, json!({})).await;
    assert_eq!(deep.error_code(), "BAD_USER_INPUT");
    assert!(
        deep.error_message().contains("nested too deep"),
        "{}",
        deep.body
    );
}
