use serde_json::json;

use crate::support::TestApp;
use crate::support::fake_code_host::FakeCodeHost;
use crate::{both_backends, with_code_host};

both_backends!(without_configuration_no_provider_is_offered);
with_code_host!(configured_providers_are_offered_to_everyone);

const PROVIDERS: &str = "{ loginProviders { name displayName kind startUrl } }";

async fn without_configuration_no_provider_is_offered(app: TestApp) {
    let response = app.anonymous().graphql(PROVIDERS, json!({})).await;
    assert_eq!(response.data()["loginProviders"], json!([]));
}

async fn configured_providers_are_offered_to_everyone(app: TestApp, _host: FakeCodeHost) {
    let response = app.anonymous().graphql(PROVIDERS, json!({})).await;
    assert_eq!(
        response.data()["loginProviders"],
        json!([
            { "name": "bitbucket", "displayName": "Bitbucket", "kind": "bitbucket", "startUrl": "/auth/oauth/bitbucket/start" },
            { "name": "bitbucket_datacenter", "displayName": "Bitbucket Data Center", "kind": "bitbucket_datacenter", "startUrl": "/auth/oauth/bitbucket_datacenter/start" },
            { "name": "github", "displayName": "GitHub Enterprise", "kind": "github", "startUrl": "/auth/oauth/github/start" },
            { "name": "gitlab", "displayName": "GitLab", "kind": "gitlab", "startUrl": "/auth/oauth/gitlab/start" },
        ])
    );
    // A user's linked accounts are theirs: nobody else reads them.
    let alice = app.user("alice").await;
    let mine = alice
        .graphql("{ viewer { identities { id } } }", json!({}))
        .await;
    assert_eq!(mine.data()["viewer"]["identities"], json!([]));
}
