//! A VCS package's "Webhook" panel: the hook URL and secret it shows work, the steps
//! follow the chosen code host, and the delivery a push made appears in the list.

use fantoccini::Locator;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use super::{browser, read_clipboard, sign_in, wait_for, wait_for_text};
use crate::support::Server;
use crate::support::composer::{graphql_ok, wait_for_job};
use crate::support::git::{GitRepo, library_manifest};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_package_page_shows_a_working_hook_url_and_secret() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        None,
        &[("PACKYARD_ALLOW_LOCAL_REPOSITORIES", "true")],
    )
    .await;
    let password = server.first_admin_password().unwrap();
    let token = server.admin_token(&password).await;
    graphql_ok(
        &server,
        &token,
        "mutation { createOrganization(name: \"Acme\", urlName: \"acme\") { id } }",
        json!({}),
    )
    .await;
    let repo = GitRepo::init(&dir.path().join("git/lib"), "main");
    repo.commit(
        &[(
            "composer.json",
            &library_manifest("acme/lib", "Acme\\Lib", &[]),
        )],
        "first",
    );
    repo.tag("v1.0.0");
    let created = graphql_ok(
        &server,
        &token,
        "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
        json!({ "u": repo.url() }),
    )
    .await;
    wait_for_job(
        &server,
        &token,
        created["createVcsPackage"]["id"].as_str().unwrap(),
    )
    .await;

    let (client, _driver, _profile) = browser().await;
    let outcome = async {
        sign_in(&client, &server, &password).await;
        client
            .goto(&format!("{}/orgs/acme/packages/acme/lib", server.base_url))
            .await
            .unwrap();
        let hook_url = wait_for_text(
            &client,
            ".hook-panel figure:first-of-type code",
            "/api/hooks/acme",
        )
        .await;
        assert_eq!(hook_url, format!("{}/api/hooks/acme", server.base_url));
        let secret = wait_for(&client, ".hook-panel figure.secret code")
            .await
            .text()
            .await
            .unwrap();
        assert!(secret.len() >= 32, "{secret:?}");
        assert_eq!(
            read_clipboard(&client, ".hook-panel figure.secret button.copy-button")
                .await
                .trim(),
            secret,
            "the copy button copies the secret"
        );
        wait_for(&client, ".hook-panel .hook-deliveries, .hook-panel p.muted").await;

        // The steps follow the chosen host, with the URL and secret to paste.
        client
            .find(Locator::Css("select.hook-host option[value=gitlab]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let steps = wait_for_text(&client, "ol.hook-steps", "Secret token").await;
        assert!(steps.contains(&secret), "{steps}");
        client
            .find(Locator::Css("select.hook-host option[value=codecommit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(
            &client,
            "ol.hook-steps",
            &format!("{hook_url}?secret={secret}"),
        )
        .await;

        // What the page shows is what works: a push signed with it is accepted …
        let body = serde_json::to_vec(&json!({
            "ref": "refs/heads/main",
            "repository": { "url": repo.url(), "html_url": repo.url(), "full_name": "acme/lib" }
        }))
        .unwrap();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&body);
        let response = reqwest::Client::new()
            .post(&hook_url)
            .header("x-github-event", "push")
            .header("content-type", "application/json")
            .header(
                "x-hub-signature-256",
                format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 202);

        // … and listed among the package's recent deliveries.
        client.refresh().await.unwrap();
        let row = wait_for_text(&client, "tr.hook-delivery[data-outcome=queued]", "github").await;
        assert!(row.contains("push"), "{row}");
        assert!(row.contains("HTTP 202"), "{row}");
    }
    .await;
    client.close().await.unwrap();
    outcome
}
