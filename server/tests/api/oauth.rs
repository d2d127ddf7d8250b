//! `/auth/oauth/{provider}/start` and `/callback` against the fake code host, for every
//! kind of host.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use packyard::db::schema::{oauth_states, user_identities};
use packyard::db_run;
use serde_json::json;

use crate::support::fake_code_host::{FakeCodeHost, FakeUser};
use crate::support::oauth::{PROVIDERS, authorize, browser, error_of, location, sign_in};
use crate::support::{Client, TestApp};
use crate::with_code_host;

with_code_host!(
    every_host_signs_in_a_new_user_and_then_finds_them_again,
    a_signed_in_user_links_an_account_and_then_signs_in_with_it,
    only_a_verified_email_signs_in_to_an_existing_user,
    provider_errors_come_back_as_messages_on_the_login_page,
    a_wrong_expired_or_reused_state_is_refused,
    expired_tokens_are_refreshed_with_the_refresh_token,
);

const VIEWER: &str =
    "{ viewer { id username email hasPassword identities { provider login email } } }";

async fn viewer(client: &Client) -> serde_json::Value {
    client.graphql(VIEWER, json!({})).await.data()["viewer"].clone()
}

async fn every_host_signs_in_a_new_user_and_then_finds_them_again(
    app: TestApp,
    host: FakeCodeHost,
) {
    for (n, provider) in PROVIDERS.into_iter().enumerate() {
        let login = format!("Dev.{provider}");
        host.set_user(FakeUser::new(
            100 + n as i64,
            &login,
            &format!("dev{n}@example.com"),
            true,
        ));
        let first = browser(&app);
        assert_eq!(sign_in(&first, provider).await, "/", "{provider}");
        let me = viewer(&first).await;
        assert_eq!(me["username"], login.to_lowercase(), "{provider}");
        assert_eq!(me["hasPassword"], false);
        assert_eq!(
            me["identities"],
            json!([{ "provider": provider, "login": login,
                // Data Center verifies no addresses, so none is kept from it.
                "email": if provider == "bitbucket_datacenter" { json!(null) } else { json!(format!("dev{n}@example.com")) } }])
        );

        // Another browser, the same account at the host: the same user.
        let second = browser(&app);
        assert_eq!(sign_in(&second, provider).await, "/");
        assert_eq!(viewer(&second).await["id"], me["id"], "{provider}");
    }
    // GitHub's token request went to its path, with the code grant.
    assert!(host.token_requests().contains(&(
        "/login/oauth/access_token".to_owned(),
        "authorization_code".to_owned()
    )));

    // A login that is taken (here by a password user) gets a suffix.
    app.create_user("octocat", false).await;
    host.set_user(FakeUser::new(7, "octocat", "cat@example.org", true));
    let client = browser(&app);
    assert_eq!(sign_in(&client, "github").await, "/");
    assert_eq!(viewer(&client).await["username"], "octocat-2");
}

async fn a_signed_in_user_links_an_account_and_then_signs_in_with_it(
    app: TestApp,
    host: FakeCodeHost,
) {
    let alice = app.user("alice").await;
    // The cookie jar of `alice` with redirects left to the test.
    let alice_browser = browser(&app);
    alice_browser
        .graphql(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { id } } }",
            json!({ "u": "alice", "p": crate::support::PASSWORD }),
        )
        .await
        .data();
    // Her GitHub address differs from her Packyard one: the link is what connects them.
    host.set_user(FakeUser::new(42, "alice-gh", "alice@github.example", true));
    assert_eq!(
        sign_in(&alice_browser, "github").await,
        "/profile?linked=github"
    );
    let me = viewer(&alice).await;
    assert_eq!(me["username"], "alice");
    assert_eq!(me["identities"][0]["login"], "alice-gh");

    let elsewhere = browser(&app);
    assert_eq!(sign_in(&elsewhere, "github").await, "/");
    assert_eq!(viewer(&elsewhere).await["username"], "alice");

    // The same GitHub account cannot be linked by somebody else.
    let bob = browser(&app);
    app.create_user("bob", false).await;
    bob.graphql(
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { id } } }",
        json!({ "u": "bob", "p": crate::support::PASSWORD }),
    )
    .await
    .data();
    let landing = sign_in(&bob, "github").await;
    assert!(landing.starts_with("/profile?error="), "{landing}");
    assert_eq!(
        error_of(&landing),
        "this GitHub Enterprise account is linked to another user"
    );

    // Alice has a password, so she may unlink; then GitHub signs in somebody new.
    let identity_id = {
        let mut conn = app.state.db.get().await.unwrap();
        let id: i64 = db_run!(conn: {
            user_identities::table.select(user_identities::id).first(conn).await.unwrap()
        });
        id
    };
    let unlinked = alice
        .graphql(
            "mutation($id: ID!) { unlinkIdentity(id: $id) }",
            json!({ "id": identity_id.to_string() }),
        )
        .await;
    assert_eq!(unlinked.data()["unlinkIdentity"], true);
    assert_eq!(viewer(&alice).await["identities"], json!([]));
    let after = browser(&app);
    assert_eq!(sign_in(&after, "github").await, "/");
    assert_eq!(viewer(&after).await["username"], "alice-gh");

    // That new user has no password: their only account cannot be unlinked.
    let only = after
        .graphql("{ viewer { identities { id } } }", json!({}))
        .await
        .data()["viewer"]["identities"][0]["id"]
        .clone();
    let refused = after
        .graphql(
            "mutation($id: ID!) { unlinkIdentity(id: $id) }",
            json!({ "id": only }),
        )
        .await;
    assert_eq!(refused.error_code(), "CONFLICT");
    assert!(
        refused.error_message().contains("only way to sign in"),
        "{}",
        refused.error_message()
    );
    // Nor can anybody else unlink it.
    let stranger = alice
        .graphql(
            "mutation($id: ID!) { unlinkIdentity(id: $id) }",
            json!({ "id": only }),
        )
        .await;
    assert_eq!(stranger.error_code(), "NOT_FOUND");
}

async fn only_a_verified_email_signs_in_to_an_existing_user(app: TestApp, host: FakeCodeHost) {
    app.create_user("carol", false).await; // carol@example.com

    // Unverified at GitHub: a new user, who does not get the address either.
    host.set_user(FakeUser::new(1, "mallory", "Carol@Example.com", false));
    let mallory = browser(&app);
    assert_eq!(sign_in(&mallory, "github").await, "/");
    let me = viewer(&mallory).await;
    assert_eq!(me["username"], "mallory");
    assert_eq!(me["email"], "mallory@users.noreply.github.com");

    // Verified (confirmed) at GitLab: carol's account.
    host.set_user(FakeUser::new(2, "carol-gl", "Carol@Example.com", true));
    let carol = browser(&app);
    assert_eq!(sign_in(&carol, "gitlab").await, "/");
    let me = viewer(&carol).await;
    assert_eq!(me["username"], "carol");
    assert_eq!(me["hasPassword"], true);
    assert_eq!(me["identities"][0]["provider"], "gitlab");

    // Data Center verifies no addresses: never a match.
    host.set_user(FakeUser::new(3, "carol-dc", "carol@example.com", true));
    let dc = browser(&app);
    assert_eq!(sign_in(&dc, "bitbucket_datacenter").await, "/");
    assert_eq!(viewer(&dc).await["username"], "carol-dc");
}

async fn provider_errors_come_back_as_messages_on_the_login_page(app: TestApp, host: FakeCodeHost) {
    host.set_user(FakeUser::new(5, "erin", "erin@example.com", true));
    // GitHub's HTTP 200 with an error body.
    host.fail_token_requests(Some((
        "bad_verification_code",
        "The code passed is incorrect or expired.",
    )));
    let client = browser(&app);
    let landing = sign_in(&client, "github").await;
    assert!(landing.starts_with("/login?error="), "{landing}");
    assert_eq!(
        error_of(&landing),
        "GitHub Enterprise refused the sign-in: The code passed is incorrect or expired. (bad_verification_code)"
    );
    assert_eq!(viewer(&client).await, json!(null));
    host.fail_token_requests(None);

    // The person said no at the host.
    let callback = authorize(&client, "gitlab").await;
    let state = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let denied = format!(
        "{}/auth/oauth/gitlab/callback?error=access_denied&state={state}",
        app.base_url
    );
    let landing = location(&client, &denied).await;
    assert_eq!(
        error_of(&landing),
        "GitLab refused the sign-in: access was denied"
    );

    // The host stops accepting its own token before the profile is read.
    let callback = authorize(&client, "bitbucket").await;
    host.reject_api_calls(true);
    let landing = location(&client, &callback).await;
    host.reject_api_calls(false);
    let message = error_of(&landing);
    assert!(message.contains("401"), "{message}");
    assert_eq!(viewer(&client).await, json!(null));

    // An unknown provider is a message too, not a 404 page.
    let landing = location(&client, &format!("{}/auth/oauth/nope/start", app.base_url)).await;
    assert_eq!(error_of(&landing), "sign-in provider not found");
}

async fn a_wrong_expired_or_reused_state_is_refused(app: TestApp, host: FakeCodeHost) {
    host.set_user(FakeUser::new(9, "frank", "frank@example.com", true));
    const REFUSED: &str =
        "this sign-in link is unknown, expired or was already used; please start again";
    let client = browser(&app);

    // A state that was never issued.
    let callback = authorize(&client, "github").await;
    let tampered = callback.replace("state=", "state=x");
    assert_eq!(error_of(&location(&client, &tampered).await), REFUSED);
    // The tampered attempt did not use up the real one... but the cookie was cleared,
    // so even the real callback fails now: only the browser holding the state completes.
    assert_eq!(error_of(&location(&client, &callback).await), REFUSED);

    // A callback opened in another browser (no state cookie).
    let callback = authorize(&client, "github").await;
    let other = browser(&app);
    assert_eq!(error_of(&location(&other, &callback).await), REFUSED);
    assert_eq!(viewer(&other).await, json!(null));

    // Expired while the person was at the host.
    let callback = authorize(&client, "gitlab").await;
    {
        let mut conn = app.state.db.get().await.unwrap();
        let past = packyard::db::now() - chrono::Duration::minutes(1);
        db_run!(conn: {
            diesel::update(oauth_states::table).set(oauth_states::expires_at.eq(past)).execute(conn).await.unwrap();
        });
    }
    assert_eq!(error_of(&location(&client, &callback).await), REFUSED);

    // Completed once; the same callback again is refused.
    let callback = authorize(&client, "gitlab").await;
    assert_eq!(location(&client, &callback).await, "/");
    let again = browser(&app);
    assert_eq!(error_of(&location(&again, &callback).await), REFUSED);
    assert_eq!(error_of(&location(&client, &callback).await), REFUSED);
    // Used and expired requests are gone from the table.
    let mut conn = app.state.db.get().await.unwrap();
    let left: i64 = db_run!(conn: {
        oauth_states::table.filter(oauth_states::expires_at.gt(packyard::db::now())).count().get_result(conn).await.unwrap()
    });
    assert_eq!(left, 0);
}

async fn expired_tokens_are_refreshed_with_the_refresh_token(app: TestApp, host: FakeCodeHost) {
    host.set_user(FakeUser::new(11, "gina", "gina@example.com", true));
    let client = browser(&app);
    assert_eq!(sign_in(&client, "gitlab").await, "/");
    let mut conn = app.state.db.get().await.unwrap();
    let (id, sealed): (i64, String) = db_run!(conn: {
        user_identities::table.select((user_identities::id, user_identities::access_token)).first(conn).await.unwrap()
    });
    assert!(sealed.starts_with("v1:"), "tokens are stored sealed");
    let first = packyard::domain::identities::access_token(&app.state, id)
        .await
        .unwrap();
    assert!(first.starts_with("access-"), "{first}");
    assert!(
        !host
            .token_requests()
            .iter()
            .any(|(_, grant)| grant == "refresh_token")
    );

    let past = packyard::db::now() - chrono::Duration::minutes(1);
    db_run!(conn: {
        diesel::update(user_identities::table.find(id)).set(user_identities::token_expires_at.eq(Some(past))).execute(conn).await.unwrap();
    });
    let refreshed = packyard::domain::identities::access_token(&app.state, id)
        .await
        .unwrap();
    assert_ne!(refreshed, first);
    assert!(
        host.token_requests()
            .contains(&("/oauth/token".to_owned(), "refresh_token".to_owned()))
    );
    // The rotated refresh token was stored: refreshing again works.
    db_run!(conn: {
        diesel::update(user_identities::table.find(id)).set(user_identities::token_expires_at.eq(Some(past))).execute(conn).await.unwrap();
    });
    let again = packyard::domain::identities::access_token(&app.state, id)
        .await
        .unwrap();
    assert_ne!(again, refreshed);
    // Not expired now: no further request.
    let requests = host.token_requests().len();
    assert_eq!(
        packyard::domain::identities::access_token(&app.state, id)
            .await
            .unwrap(),
        again
    );
    assert_eq!(host.token_requests().len(), requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_signup_only_existing_users_sign_in_sqlite() {
    let host = FakeCodeHost::start().await;
    let app = TestApp::start_with(None, |config| closed_signup(config, &host)).await;
    without_signup_only_existing_users_sign_in(app, host).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_signup_only_existing_users_sign_in_postgres() {
    let host = FakeCodeHost::start().await;
    if let Some(app) = TestApp::postgres_with(|config| closed_signup(config, &host)).await {
        without_signup_only_existing_users_sign_in(app, host).await;
    }
}

fn closed_signup(config: &mut packyard::config::Config, host: &FakeCodeHost) {
    crate::support::oauth::configure(config, host);
    config.oauth.get_mut("github").unwrap().allow_signup = Some(false);
}

async fn without_signup_only_existing_users_sign_in(app: TestApp, host: FakeCodeHost) {
    host.set_user(FakeUser::new(21, "stranger", "stranger@example.net", true));
    let stranger = browser(&app);
    let landing = sign_in(&stranger, "github").await;
    assert!(
        error_of(&landing).contains("ask an administrator"),
        "{landing}"
    );
    assert_eq!(viewer(&stranger).await, json!(null));
    // Providers that allow it still sign strangers up.
    assert_eq!(sign_in(&stranger, "gitlab").await, "/");

    // A user the administrator created, matched by a verified address, gets in.
    app.create_user("henry", false).await;
    host.set_user(FakeUser::new(22, "henry-gh", "henry@example.com", true));
    let henry = browser(&app);
    assert_eq!(sign_in(&henry, "github").await, "/");
    assert_eq!(viewer(&henry).await["username"], "henry");
}
