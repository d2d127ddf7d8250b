//! Signing in with code hosts against real third-party OAuth servers: oauth2-mock-server
//! posing as GitHub (Enterprise) and GitLab, driven through Chromium; and the strict
//! oidc-provider for what must be refused (wrong state, a reused code, a wrong PKCE
//! verifier, an unregistered redirect URI), driven with reqwest.

use fantoccini::Locator;
use reqwest::redirect::Policy;

use crate::browser::{browser, wait_for, wait_for_text};
use crate::support::peers::NodePeer;
use crate::support::{Server, artifacts_dir, database, free_port};

const CLIENT_ID: &str = "packyard-e2e";
const CLIENT_SECRET: &str = "packyard-e2e-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_github_and_gitlab_in_the_browser() {
    let hosts = NodePeer::start("mock_code_hosts.mjs", &[]);
    let (github, gitlab) = (hosts.url("github"), hosts.url("gitlab"));
    let dir = tempfile::tempdir().unwrap();
    // Configured through the environment, as a container would be.
    let server = Server::start(
        dir.path(),
        None,
        &[
            ("PACKYARD_OAUTH__GITHUB__CLIENT_ID", CLIENT_ID),
            ("PACKYARD_OAUTH__GITHUB__CLIENT_SECRET", CLIENT_SECRET),
            ("PACKYARD_OAUTH__GITHUB__BASE_URL", &github),
            ("PACKYARD_OAUTH__GITLAB__CLIENT_ID", CLIENT_ID),
            ("PACKYARD_OAUTH__GITLAB__CLIENT_SECRET", CLIENT_SECRET),
            ("PACKYARD_OAUTH__GITLAB__BASE_URL", &gitlab),
        ],
    )
    .await;

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        client
            .goto(&format!("{}/login", server.base_url))
            .await
            .unwrap();
        let button = wait_for(&client, "a.oauth-button[data-provider=github]").await;
        assert_eq!(
            button.text().await.unwrap(),
            "Sign in with GitHub Enterprise"
        );
        button.click().await.unwrap();
        // Packyard → the mock's authorize endpoint → Packyard's callback → the dashboard.
        wait_for_text(&client, ".viewer-name", "mock-octo").await;
        assert_eq!(client.current_url().await.unwrap().path(), "/");

        // The profile lists the linked account; GitHub is linked, GitLab can be.
        client
            .find(Locator::Css("a.viewer-name"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "table.identities .identity-login", "mock-octo").await;
        wait_for(&client, "a.link-provider[data-provider=gitlab]").await;
        // A GitHub-only user without a password cannot unlink their only account.
        client
            .find(Locator::Css("button.unlink"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, ".unlink-error", "only way to sign in").await;

        // Link GitLab to this user from the profile page.
        client
            .find(Locator::Css("a.link-provider[data-provider=gitlab]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, ".linked-notice", "linked").await;
        wait_for_text(&client, "table.identities", "mock-tanuki").await;
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("linked-accounts.png"), screenshot).unwrap();
        // With two accounts, one may go.
        let gitlab_row = "table.identities tr[data-provider=gitlab] button.unlink";
        client
            .find(Locator::Css(gitlab_row))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while client.find(Locator::Css(gitlab_row)).await.is_ok() {
            assert!(
                std::time::Instant::now() < deadline,
                "the GitLab row stayed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }

        // Signed out, GitLab now signs in a different (new) user.
        client
            .find(Locator::XPath("//button[text()='Sign out']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, "a.oauth-button[data-provider=gitlab]")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, ".viewer-name", "mock-tanuki").await;

        // A callback that does not belong to this browser ends on the login page with
        // the reason.
        client
            .find(Locator::XPath("//button[text()='Sign out']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&client, "input[name=username]").await;
        client
            .goto(&format!(
                "{}/auth/oauth/github/callback?code=forged&state=forged",
                server.base_url
            ))
            .await
            .unwrap();
        wait_for_text(
            &client,
            ".oauth-error",
            "unknown, expired or was already used",
        )
        .await;
        assert_eq!(client.current_url().await.unwrap().path(), "/login");
        let screenshot = client.screenshot().await.unwrap();
        std::fs::write(artifacts_dir().join("oauth-error.png"), screenshot).unwrap();
    }
    .await;
    client.close().await.unwrap();
    outcome
}

/// Packyard with `strict` (the registered redirect URI) and `strict_wrong` (the same
/// client at a path the provider does not know) pointing at oidc-provider.
async fn strict_setup(database_url: Option<&str>) -> (NodePeer, Server, tempfile::TempDir) {
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/auth/oauth/strict/callback");
    let peer = NodePeer::start(
        "strict_provider.mjs",
        &[CLIENT_ID, CLIENT_SECRET, &redirect],
    );
    let issuer = peer.url("issuer");
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::new();
    for name in ["strict", "strict_wrong"] {
        toml.push_str(&format!(
            "[oauth.{name}]\nkind = \"gitlab\"\nclient_id = \"{CLIENT_ID}\"\nclient_secret = \"{CLIENT_SECRET}\"\n\
             authorize_url = \"{issuer}/auth\"\ntoken_url = \"{issuer}/token\"\napi_url = \"{issuer}/api/v4\"\n\
             scopes = [\"openid\"]\n\n"
        ));
    }
    let config = dir.path().join("packyard.toml");
    std::fs::write(&config, toml).unwrap();
    let server = Server::start_on(port, dir.path(), database_url, &config).await;
    (peer, server, dir)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn location(client: &reqwest::Client, url: &str) -> String {
    let response = client.get(url).send().await.unwrap();
    assert!(
        response.status().is_redirection(),
        "{url}: {}",
        response.status()
    );
    let location = response.headers()["location"].to_str().unwrap();
    reqwest::Url::parse(url)
        .unwrap()
        .join(location)
        .unwrap()
        .to_string()
}

/// Signs in at oidc-provider's development login and consents, until it redirects to
/// Packyard: returns that callback URL (with `code` and `state`).
async fn approve(client: &reqwest::Client, server: &Server, start: &str) -> String {
    let mut url = location(client, start).await;
    for _ in 0..10 {
        if url.starts_with(&server.base_url) {
            return url;
        }
        let response = client.get(&url).send().await.unwrap();
        if response.status().is_redirection() {
            let next = response.headers()["location"].to_str().unwrap().to_owned();
            url = reqwest::Url::parse(&url)
                .unwrap()
                .join(&next)
                .unwrap()
                .to_string();
            continue;
        }
        let page = response.text().await.unwrap();
        let form: &[(&str, &str)] = if page.contains("name=\"login\"") {
            &[
                ("prompt", "login"),
                ("login", "alice"),
                ("password", "anything"),
            ]
        } else {
            &[("prompt", "consent")]
        };
        let posted = client.post(&url).form(form).send().await.unwrap();
        assert!(
            posted.status().is_redirection(),
            "{url}: {}",
            posted.status()
        );
        let next = posted.headers()["location"].to_str().unwrap().to_owned();
        url = reqwest::Url::parse(&url)
            .unwrap()
            .join(&next)
            .unwrap()
            .to_string();
    }
    panic!("oidc-provider never redirected to Packyard");
}

fn with_param(url: &str, key: &str, value: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == key {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

fn param(url: &str, key: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {key} in {url}"))
}

async fn viewer(client: &reqwest::Client, server: &Server) -> serde_json::Value {
    let body: serde_json::Value = client
        .post(format!("{}/graphql", server.base_url))
        .json(&serde_json::json!({ "query": "{ viewer { username } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["viewer"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strict_provider_refuses_what_must_be_refused_sqlite() {
    a_strict_provider_refuses_what_must_be_refused(false).await;
}

/// Requests in flight live in the database: the same on PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strict_provider_refuses_what_must_be_refused_postgres() {
    a_strict_provider_refuses_what_must_be_refused(true).await;
}

async fn a_strict_provider_refuses_what_must_be_refused(postgres: bool) {
    let Some(database_url) = database(postgres).await else {
        return;
    };
    let (_peer, server, _dir) = strict_setup(database_url.as_deref()).await;
    let start = format!("{}/auth/oauth/strict/start", server.base_url);

    // The happy path first: the wiring is standards-correct (PKCE S256, secret in the
    // body, exact redirect URI), and the userinfo signs in `alice`.
    let browser = client();
    let callback = approve(&browser, &server, &start).await;
    assert_eq!(
        location(&browser, &callback).await,
        format!("{}/", server.base_url)
    );
    assert_eq!(viewer(&browser, &server).await["username"], "alice");

    // A reused code: a new sign-in of this browser, handed the code already spent.
    let used_code = param(&callback, "code");
    let replay = client();
    let fresh = approve(&replay, &server, &start).await;
    let landing = location(&replay, &with_param(&fresh, "code", &used_code)).await;
    assert!(landing.contains("/login?error="), "{landing}");
    assert!(
        param(&landing, "error").contains("invalid_grant"),
        "{landing}"
    );
    assert_eq!(viewer(&replay, &server).await, serde_json::Value::Null);

    // A wrong PKCE verifier: flow A's code redeemed under flow B's state, whose
    // verifier does not match A's challenge.
    let browser = client();
    let flow_a = approve(&browser, &server, &start).await;
    let flow_b = approve(&browser, &server, &start).await;
    let mixed = with_param(&flow_b, "code", &param(&flow_a, "code"));
    let landing = location(&browser, &mixed).await;
    let error = param(&landing, "error");
    assert!(error.contains("invalid_grant"), "{error}");
    assert_eq!(viewer(&browser, &server).await, serde_json::Value::Null);

    // A wrong state never reaches the provider: refused by Packyard.
    let browser = client();
    let callback = approve(&browser, &server, &start).await;
    let landing = location(&browser, &with_param(&callback, "state", "forged")).await;
    assert!(
        param(&landing, "error").contains("unknown, expired or was already used"),
        "{landing}"
    );
    assert_eq!(viewer(&browser, &server).await, serde_json::Value::Null);

    // A redirect URI the provider does not have registered: it refuses to go on.
    let browser = client();
    let at_provider = location(
        &browser,
        &format!("{}/auth/oauth/strict_wrong/start", server.base_url),
    )
    .await;
    let response = browser.get(&at_provider).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let page = response.text().await.unwrap();
    assert!(page.contains("redirect_uri"), "{page}");
}
