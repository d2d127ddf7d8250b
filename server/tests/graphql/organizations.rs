use serde_json::json;

use crate::both_backends;
use crate::support::TestApp;

const CREATE: &str = "mutation($n: String!, $u: String) {
    createOrganization(name: $n, urlName: $u) { name urlName viewerRole }
}";

both_backends!(
    creator_owns_the_organization_and_sees_it_listed,
    url_names_are_validated_and_unique,
    organizations_of_others_do_not_exist,
    organization_lists_are_paginated,
    concurrent_creations_all_succeed,
);

async fn creator_owns_the_organization_and_sees_it_listed(app: TestApp) {
    let alice = app.user("alice").await;
    let created = alice.graphql(CREATE, json!({ "n": "ACME Corp." })).await;
    assert_eq!(
        created.data()["createOrganization"],
        json!({ "name": "ACME Corp.", "urlName": "acme-corp", "viewerRole": "OWNER" })
    );
    let listed = alice
        .graphql(
            "{ viewer { organizations { totalCount nodes { urlName viewerRole } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed.data()["viewer"]["organizations"],
        json!({ "totalCount": 1, "nodes": [{ "urlName": "acme-corp", "viewerRole": "OWNER" }] })
    );
    let fetched = alice
        .graphql(
            "{ organization(urlName: \"acme-corp\") { name members { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        fetched.data()["organization"],
        json!({ "name": "ACME Corp.", "members": { "totalCount": 1 } })
    );
    assert_eq!(
        app.anonymous()
            .graphql(CREATE, json!({ "n": "Nope" }))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
}

async fn url_names_are_validated_and_unique(app: TestApp) {
    let alice = app.user("alice").await;
    for (vars, code, field) in [
        (json!({ "n": "" }), "BAD_USER_INPUT", "name"),
        (
            json!({ "n": "Acme", "u": "Bad Name" }),
            "BAD_USER_INPUT",
            "urlName",
        ),
        (
            json!({ "n": "Acme", "u": "graphql" }),
            "BAD_USER_INPUT",
            "urlName",
        ),
        (json!({ "n": "!!!" }), "BAD_USER_INPUT", "urlName"),
    ] {
        let response = alice.graphql(CREATE, vars.clone()).await;
        assert_eq!(response.error_code(), code, "{vars}");
        assert_eq!(response.error_field(), Some(field), "{vars}");
    }
    alice
        .graphql(CREATE, json!({ "n": "Acme", "u": "acme" }))
        .await
        .data();
    let bob = app.user("bob").await;
    let taken = bob
        .graphql(CREATE, json!({ "n": "Another Acme", "u": "acme" }))
        .await;
    assert_eq!(taken.error_code(), "CONFLICT");
    assert_eq!(taken.error_field(), Some("urlName"));
    // The failed attempt left nothing behind: bob belongs to no organization.
    let bobs = bob
        .graphql("{ viewer { organizations { totalCount } } }", json!({}))
        .await;
    assert_eq!(bobs.data()["viewer"]["organizations"]["totalCount"], 0);
}

async fn organizations_of_others_do_not_exist(app: TestApp) {
    let alice = app.user("alice").await;
    alice.graphql(CREATE, json!({ "n": "Secret" })).await.data();
    let query = "{ organization(urlName: \"secret\") { name } }";
    let bob = app.user("bob").await;
    let hidden = bob.graphql(query, json!({})).await;
    let missing = bob
        .graphql("{ organization(urlName: \"missing\") { name } }", json!({}))
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");
    assert_eq!(hidden.error_message(), missing.error_message());
    // Anonymous callers are told to sign in, whatever the name.
    assert_eq!(
        app.anonymous().graphql(query, json!({})).await.error_code(),
        "UNAUTHENTICATED"
    );
    // Instance administrators see every organization, without a role in it.
    let admin = app.admin("root").await;
    let seen = admin
        .graphql(
            "{ organization(urlName: \"secret\") { name viewerRole } }",
            json!({}),
        )
        .await;
    assert_eq!(
        seen.data()["organization"],
        json!({ "name": "Secret", "viewerRole": null })
    );
}

async fn organization_lists_are_paginated(app: TestApp) {
    let alice = app.user("alice").await;
    for name in ["one", "two", "three"] {
        alice.graphql(CREATE, json!({ "n": name })).await.data();
    }
    let query = "query($after: String) { viewer { organizations(first: 2, after: $after) {
        totalCount nodes { urlName } pageInfo { hasNextPage endCursor } } } }";
    let first = alice.graphql(query, json!({})).await;
    let page = &first.data()["viewer"]["organizations"];
    assert_eq!(page["totalCount"], 3);
    assert_eq!(
        page["nodes"],
        json!([{ "urlName": "one" }, { "urlName": "two" }])
    );
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let second = alice
        .graphql(query, json!({ "after": page["pageInfo"]["endCursor"] }))
        .await;
    let page = &second.data()["viewer"]["organizations"];
    assert_eq!(page["nodes"], json!([{ "urlName": "three" }]));
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    let bad = alice
        .graphql(query, json!({ "after": "not-a-cursor" }))
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
    assert_eq!(bad.error_field(), Some("after"));
}

/// SQLite writers queue on `BEGIN IMMEDIATE`; PostgreSQL runs them side by side.
/// Either way none fails.
async fn concurrent_creations_all_succeed(app: TestApp) {
    let alice = app.user("alice").await;
    let attempts = (0..16).map(|i| {
        let alice = alice.clone();
        async move {
            alice
                .graphql(CREATE, json!({ "n": format!("org {i}") }))
                .await
        }
    });
    for response in futures_util::future::join_all(attempts).await {
        response.data();
    }
    let listed = alice
        .graphql("{ viewer { organizations { totalCount } } }", json!({}))
        .await;
    assert_eq!(listed.data()["viewer"]["organizations"]["totalCount"], 16);
}
