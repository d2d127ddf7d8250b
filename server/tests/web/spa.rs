use crate::both_backends;
use crate::support::TestApp;

both_backends!(pages_fall_back_to_the_app_but_files_and_api_paths_do_not);

async fn pages_fall_back_to_the_app_but_files_and_api_paths_do_not(app: TestApp) {
    let client = app.anonymous();

    // Built by the test command before the tests run (Trunk → frontend/dist).
    for page in ["/", "/login", "/orgs/acme", "/organizations/new"] {
        let response = client.get(page).await;
        assert_eq!(response.status(), 200, "{page}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("<html") && body.contains(".wasm"),
            "{page}: {body}"
        );
    }

    let missing_asset = client.get("/packyard-frontend-0123456789abcdef.wasm").await;
    assert_eq!(missing_asset.status(), 404);
    let api = client.get("/api/nothing-here").await;
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["message"], "no such resource: /api/nothing-here");

    let graphiql = client.get("/graphql").await;
    assert_eq!(graphiql.status(), 200);
    let html = graphiql.text().await.unwrap();
    assert!(html.contains("/graphiql/graphiql.min.js"));
    // GraphiQL's scripts come from our own origin, never from a CDN.
    let script = client.get("/graphiql/graphiql.min.js").await;
    assert_eq!(script.status(), 200);
    assert!(!html.contains("unpkg") && !html.contains("jsdelivr"));

    assert_eq!(client.get("/health").await.status(), 200);
}
