//! Signing in with code hosts in tests: an app configured with the fake code host as
//! all four kinds of provider, and a browser that walks the redirects one by one.

use packyard::config::{Config, OAuthProviderConfig};

use super::fake_code_host::{CLIENT_ID, CLIENT_SECRET, FakeCodeHost};
use super::{Client, TestApp};

/// Provider names configured by [`configure`], one per kind.
pub const PROVIDERS: [&str; 4] = ["github", "gitlab", "bitbucket", "bitbucket_datacenter"];

/// Defines `$name::sqlite` and `$name::postgres` running `async fn $name(TestApp,
/// FakeCodeHost)` with the app configured for the fake host.
#[macro_export]
macro_rules! with_code_host {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::support::fake_code_host::FakeCodeHost;
            use $crate::support::oauth::configure;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let host = FakeCodeHost::start().await;
                let app = $crate::support::TestApp::start_with(None, |c| configure(c, &host)).await;
                super::$name(app, host).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let host = FakeCodeHost::start().await;
                if let Some(app) = $crate::support::TestApp::postgres_with(|c| configure(c, &host)).await {
                    super::$name(app, host).await
                }
            }
        }
    )+};
}

/// The fake host as GitHub Enterprise, self-managed GitLab, Bitbucket (Cloud paths on
/// its own base) and Bitbucket Data Center.
pub fn configure(config: &mut Config, host: &FakeCodeHost) {
    for name in PROVIDERS {
        config.oauth.insert(
            name.to_owned(),
            OAuthProviderConfig {
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
                base_url: Some(host.base_url.clone()),
                ..OAuthProviderConfig::default()
            },
        );
    }
}

/// A browser: a cookie jar, and redirects followed by the test, step by step.
pub fn browser(app: &TestApp) -> Client {
    Client {
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base_url: app.base_url.clone(),
        bearer: None,
    }
}

/// Where a redirect goes (303 or 302 expected).
pub async fn location(client: &Client, url: &str) -> String {
    let response = client.http.get(url).send().await.expect("send");
    assert!(
        response.status().is_redirection(),
        "{url}: expected a redirect, got {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// Starts a sign-in at `provider` and returns the callback URL the host sends back.
pub async fn authorize(client: &Client, provider: &str) -> String {
    let start = format!("{}/auth/oauth/{provider}/start", client.base_url);
    let at_host = location(client, &start).await;
    location(client, &at_host).await
}

/// The whole flow: where the browser lands after the callback (`/`, `/login?error=…`).
pub async fn sign_in(client: &Client, provider: &str) -> String {
    let callback = authorize(client, provider).await;
    location(client, &callback).await
}

/// The `error` parameter of a landing URL like `/login?error=…`.
pub fn error_of(landing: &str) -> String {
    let url = url::Url::parse(&format!("http://x{landing}")).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no error in {landing}"))
}
