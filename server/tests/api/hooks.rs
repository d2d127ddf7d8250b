//! An organization's own hook URL (`/api/hooks/<org>`): every provider's real payload from
//! the shared fixtures, signed afresh with the organization's secret by that provider's
//! scheme, reaches the package; a wrong secret, an altered body or a missing signature
//! triggers nothing.

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::both_backends;
use crate::support::{Client, TestApp};

mod sns;

both_backends!(
    every_provider_reaches_the_package_with_its_own_signature,
    wrong_secrets_altered_bodies_and_missing_signatures_trigger_nothing,
    a_transferred_repository_is_followed,
    a_suborganization_has_its_own_url_and_secret,
    the_secret_is_shown_to_package_editors_and_regenerated_by_owners,
);

/// How a provider proves it knows the secret.
#[derive(Clone, Copy, Debug)]
pub(super) enum Scheme {
    /// `<header>: sha256=<hex HMAC of the body>` (GitHub, Bitbucket).
    Prefixed(&'static str),
    /// `<header>: <hex HMAC of the body>` (Gitea, Gogs).
    BareHex(&'static str),
    /// The secret itself in a header (GitLab, Gitee's password mode).
    Token(&'static str),
    /// Gitee's signature mode: base64 HMAC of `<timestamp>\n<secret>`.
    GiteeSigned,
    /// HTTP Basic with the secret as password (Azure DevOps).
    Basic,
}

pub(super) struct Case {
    pub file: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
    pub scheme: Scheme,
    /// The package's repository URL, in a form the host shows its users.
    pub repository: &'static str,
}

const JSON: (&str, &str) = ("content-type", "application/json");

pub(super) const CASES: &[Case] = &[
    Case {
        file: "github/push-branch-created.json",
        headers: &[("x-github-event", "push"), JSON],
        scheme: Scheme::Prefixed("x-hub-signature-256"),
        repository: "https://github.com/Codertocat/Hello-World.git",
    },
    Case {
        file: "github-enterprise/push-tag-created.json",
        headers: &[
            ("x-github-event", "push"),
            ("x-github-enterprise-host", "octocoders.github.io"),
            ("x-github-enterprise-version", "3.5.0"),
            JSON,
        ],
        scheme: Scheme::Prefixed("x-hub-signature-256"),
        repository: "git@octocoders.github.io:Codertocat/Hello-World.git",
    },
    Case {
        file: "gitlab/push-hook-gitlab-com.json",
        headers: &[("x-gitlab-event", "Push Hook"), JSON],
        scheme: Scheme::Token("x-gitlab-token"),
        repository: "https://gitlab.com/gitlab-org/hello-world.git",
    },
    Case {
        file: "bitbucket-cloud/repo-push-tag-created.json",
        headers: &[("x-event-key", "repo:push"), JSON],
        scheme: Scheme::Prefixed("x-hub-signature"),
        repository: "https://bitbucket.org/amuniz/test-repos.git",
    },
    Case {
        file: "bitbucket-server/repo-refs-changed-tag-created.json",
        headers: &[("x-event-key", "repo:refs_changed"), JSON],
        scheme: Scheme::Prefixed("x-hub-signature"),
        repository: "ssh://git@localhost:7999/amuniz/test-repos.git",
    },
    Case {
        file: "gitea/push.json",
        headers: &[
            ("x-gitea-event", "push"),
            ("x-gogs-event", "push"),
            ("x-github-event", "push"),
            JSON,
        ],
        scheme: Scheme::BareHex("x-gitea-signature"),
        repository: "https://try.gitea.io/gogits/hello-world.git",
    },
    Case {
        file: "gogs/push.json",
        headers: &[("x-gogs-event", "push"), JSON],
        scheme: Scheme::BareHex("x-gogs-signature"),
        repository: "https://try.gogs.io/gogits/hello-world.git",
    },
    Case {
        file: "gitee/push-hook.json",
        headers: &[("x-gitee-event", "Push Hook"), JSON],
        scheme: Scheme::Token("x-gitee-token"),
        repository: "https://gitee.com/kit101/drone-yml-test.git",
    },
    Case {
        file: "gitee/tag-push-hook-created.json",
        headers: &[("x-gitee-event", "Tag Push Hook"), JSON],
        scheme: Scheme::GiteeSigned,
        repository: "https://gitee.com/kit101/drone-yml-test.git",
    },
    Case {
        file: "azure-devops/git-push.json",
        headers: &[JSON],
        scheme: Scheme::Basic,
        repository: "https://dev.azure.com/fabrikam-fiber-inc/DefaultCollection/_git/Fabrikam-Fiber-Git",
    },
];

pub(super) fn fixture(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/webhooks")
        .join(file);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The headers `scheme` adds for `body` signed with `secret`.
pub(super) fn signature(scheme: Scheme, body: &[u8], secret: &str) -> Vec<(String, String)> {
    match scheme {
        Scheme::Prefixed(header) => vec![(
            header.into(),
            format!(
                "sha256={}",
                hex::encode(hmac_sha256(secret.as_bytes(), body))
            ),
        )],
        Scheme::BareHex(header) => vec![(
            header.into(),
            hex::encode(hmac_sha256(secret.as_bytes(), body)),
        )],
        Scheme::Token(header) => vec![(header.into(), secret.into())],
        Scheme::GiteeSigned => {
            let timestamp = chrono::Utc::now().timestamp_millis().to_string();
            let signed = hmac_sha256(
                secret.as_bytes(),
                format!("{timestamp}\n{secret}").as_bytes(),
            );
            vec![
                ("x-gitee-token".into(), BASE64.encode(signed)),
                ("x-gitee-timestamp".into(), timestamp),
            ]
        }
        Scheme::Basic => vec![(
            "authorization".into(),
            format!("Basic {}", BASE64.encode(format!("azure:{secret}"))),
        )],
    }
}

/// Whether the scheme covers the body, so that altering it must be refused.
fn signs_body(scheme: Scheme) -> bool {
    matches!(scheme, Scheme::Prefixed(_) | Scheme::BareHex(_))
}

pub(super) async fn deliver(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
    extra: &[(String, String)],
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", app.base_url))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    for (name, value) in extra {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

const CREATE: &str = "mutation($o: String!, $s: String, $u: String!) { createVcsPackage(organization: $o, suborganization: $s, url: $u) { id } }";
const PACKAGES: &str = "query($o: String!) { organization(urlName: $o) { packages { nodes { id repositoryUrl webhookUrl webhookSecret } } } }";

/// The organization `acme` of `owner`, with a package per URL. The worker is stopped:
/// the hosts in the fixtures are not reachable, and what is tested is which update jobs
/// a delivery queues.
pub(super) async fn packages(app: &mut TestApp, urls: &[&str]) -> (Client, Vec<Value>) {
    app.stop_worker().await;
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let mut distinct: Vec<&str> = Vec::new();
    for url in urls {
        if !distinct.contains(url) {
            distinct.push(url);
        }
    }
    for url in &distinct {
        owner
            .graphql(CREATE, json!({ "o": "acme", "u": url }))
            .await
            .data();
    }
    let listed = owner.graphql(PACKAGES, json!({ "o": "acme" })).await;
    let nodes = listed.data()["organization"]["packages"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), distinct.len(), "{nodes:?}");
    (owner, nodes)
}

fn package_of<'a>(nodes: &'a [Value], url: &str) -> &'a Value {
    nodes
        .iter()
        .find(|node| node["repositoryUrl"] == url)
        .unwrap_or_else(|| panic!("no package for {url}: {nodes:?}"))
}

async fn every_provider_reaches_the_package_with_its_own_signature(mut app: TestApp) {
    let urls: Vec<&str> = CASES.iter().map(|case| case.repository).collect();
    let (owner, nodes) = packages(&mut app, &urls).await;
    let secret = nodes[0]["webhookSecret"].as_str().unwrap().to_owned();
    assert_eq!(
        nodes[0]["webhookUrl"],
        format!("{}/api/hooks/acme", app.base_url)
    );
    assert!(secret.len() >= 32, "{secret}");
    // One secret per organization, whichever package shows it.
    assert!(
        nodes
            .iter()
            .all(|node| node["webhookSecret"] == secret.as_str())
    );

    for case in CASES {
        let body = fixture(case.file);
        let signed = signature(case.scheme, &body, &secret);
        let (status, answer) = deliver(&app, "/api/hooks/acme", case.headers, &signed, body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{}: {answer}", case.file);
        assert_eq!(answer["status"], "success", "{}", case.file);
        let jobs = answer["jobs"].as_array().unwrap();
        assert_eq!(jobs.len(), 1, "{}: {answer}", case.file);
        let package = package_of(&nodes, case.repository);
        assert_eq!(
            jobs[0]["package"],
            format!("#{}", package["id"].as_str().unwrap()),
            "{}",
            case.file
        );
    }

    // Pings answer 200 without work: GitHub's signed, Bitbucket Server's never signed.
    let ping = fixture("github/ping.json");
    let signed = signature(Scheme::Prefixed("x-hub-signature-256"), &ping, &secret);
    let (status, answer) = deliver(
        &app,
        "/api/hooks/acme",
        &[("x-github-event", "ping"), JSON],
        &signed,
        ping,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "pong");
    let (status, answer) = deliver(
        &app,
        "/api/hooks/acme",
        &[("x-event-key", "diagnostics:ping"), JSON],
        &[],
        fixture("bitbucket-server/diagnostics-ping.json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Each package's log shows the delivery that reached it.
    let log = owner
        .graphql(
            "{ organization(urlName: \"acme\") { packages { nodes { repositoryUrl webhookDeliveries { provider event outcome statusCode } } } } }",
            json!({}),
        )
        .await;
    for node in log.data()["organization"]["packages"]["nodes"]
        .as_array()
        .unwrap()
    {
        let deliveries = node["webhookDeliveries"].as_array().unwrap();
        assert!(!deliveries.is_empty(), "{node}");
        assert!(
            deliveries
                .iter()
                .all(|delivery| delivery["outcome"] == "queued" && delivery["statusCode"] == 202),
            "{node}"
        );
    }
}

async fn wrong_secrets_altered_bodies_and_missing_signatures_trigger_nothing(mut app: TestApp) {
    let urls: Vec<&str> = CASES.iter().map(|case| case.repository).collect();
    let (owner, nodes) = packages(&mut app, &urls).await;
    let secret = nodes[0]["webhookSecret"].as_str().unwrap().to_owned();
    let jobs_before = job_count(&owner).await;

    for case in CASES {
        let body = fixture(case.file);
        let wrong = signature(case.scheme, &body, "not the organization's secret");
        let (status, answer) =
            deliver(&app, "/api/hooks/acme", case.headers, &wrong, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{}: {answer}", case.file);
        assert!(answer["message"].is_string(), "{answer}");

        let (status, _) = deliver(&app, "/api/hooks/acme", case.headers, &[], body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{} unsigned", case.file);

        if signs_body(case.scheme) {
            let signed = signature(case.scheme, &body, &secret);
            let mut altered = body.clone();
            let middle = altered.len() / 2;
            altered[middle] ^= 0x01;
            let (status, _) =
                deliver(&app, "/api/hooks/acme", case.headers, &signed, altered).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{} altered", case.file);
        }

        // The right signature on the wrong organization's URL.
        let signed = signature(case.scheme, &body, &secret);
        let (status, _) = deliver(&app, "/api/hooks/nobody", case.headers, &signed, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{} elsewhere", case.file);
    }

    // A malformed body with a valid signature is the sender's mistake: 400.
    let body = b"{not json".to_vec();
    let signed = signature(Scheme::Prefixed("x-hub-signature-256"), &body, &secret);
    let (status, answer) = deliver(
        &app,
        "/api/hooks/acme",
        &[("x-github-event", "push"), JSON],
        &signed,
        body,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");

    // A genuine push for a repository no package has: 404.
    let body = serde_json::to_vec(&json!({
        "ref": "refs/heads/main",
        "repository": { "html_url": "https://github.com/someone/else", "full_name": "someone/else" }
    }))
    .unwrap();
    let signed = signature(Scheme::Prefixed("x-hub-signature-256"), &body, &secret);
    let (status, answer) = deliver(
        &app,
        "/api/hooks/acme",
        &[("x-github-event", "push"), JSON],
        &signed,
        body,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");

    assert_eq!(
        job_count(&owner).await,
        jobs_before,
        "no refused delivery queued work"
    );
}

pub(super) async fn job_count(owner: &Client) -> usize {
    let response = owner
        .graphql(
            "{ organization(urlName: \"acme\") { jobs(first: 100) { nodes { id } } } }",
            json!({}),
        )
        .await;
    response.data()["organization"]["jobs"]["nodes"]
        .as_array()
        .unwrap()
        .len()
}

async fn a_transferred_repository_is_followed(mut app: TestApp) {
    let old = "git@github.com:octocat/Hello-World.git";
    let (owner, nodes) = packages(&mut app, &[old]).await;
    let secret = nodes[0]["webhookSecret"].as_str().unwrap().to_owned();
    let body = fixture("github/repository-transferred.json");
    let signed = signature(Scheme::Prefixed("x-hub-signature-256"), &body, &secret);
    let headers = [("x-github-event", "repository"), JSON];
    let (status, answer) = deliver(&app, "/api/hooks/acme", &headers, &signed, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");

    let listed = owner.graphql(PACKAGES, json!({ "o": "acme" })).await;
    assert_eq!(
        listed.data()["organization"]["packages"]["nodes"][0]["repositoryUrl"],
        "git@github.com:Octocoders/Hello-World.git",
        "the stored URL keeps its ssh form"
    );

    // Pushes name only the new URL; they now find the package.
    let push = serde_json::to_vec(&json!({
        "ref": "refs/heads/main",
        "repository": {
            "full_name": "Octocoders/Hello-World",
            "html_url": "https://github.com/Octocoders/Hello-World",
            "clone_url": "https://github.com/Octocoders/Hello-World.git"
        }
    }))
    .unwrap();
    let signed = signature(Scheme::Prefixed("x-hub-signature-256"), &push, &secret);
    let headers = [("x-github-event", "push"), JSON];
    let (status, answer) = deliver(&app, "/api/hooks/acme", &headers, &signed, push).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
}

async fn a_suborganization_has_its_own_url_and_secret(mut app: TestApp) {
    let (owner, nodes) = packages(&mut app, &["https://github.com/acme/other.git"]).await;
    let parent_secret = nodes[0]["webhookSecret"].as_str().unwrap().to_owned();
    owner
        .graphql(
            "mutation { createSuborganization(organization: \"acme\", name: \"Sub\", urlName: \"sub\") { urlName } }",
            json!({}),
        )
        .await
        .data();
    let repository = "https://github.com/Codertocat/Hello-World.git";
    owner
        .graphql(CREATE, json!({ "o": "acme", "s": "sub", "u": repository }))
        .await
        .data();
    let listed = owner
        .graphql(
            "{ organization(urlName: \"acme\") { suborganization(urlName: \"sub\") { packages { nodes { webhookUrl webhookSecret } } } } }",
            json!({}),
        )
        .await;
    let package = &listed.data()["organization"]["suborganization"]["packages"]["nodes"][0];
    assert_eq!(
        package["webhookUrl"],
        format!("{}/api/hooks/acme/sub", app.base_url)
    );
    let secret = package["webhookSecret"].as_str().unwrap();
    assert_ne!(secret, parent_secret);

    let case = &CASES[0];
    let body = fixture(case.file);
    let signed = signature(case.scheme, &body, secret);
    let (status, answer) = deliver(
        &app,
        "/api/hooks/acme/sub",
        case.headers,
        &signed,
        body.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");

    // The parent's URL and secret do not reach the suborganization's packages.
    let signed = signature(case.scheme, &body, &parent_secret);
    let (status, answer) =
        deliver(&app, "/api/hooks/acme", case.headers, &signed, body.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    let (status, _) = deliver(&app, "/api/hooks/acme/sub", case.headers, &signed, body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn the_secret_is_shown_to_package_editors_and_regenerated_by_owners(mut app: TestApp) {
    let case = &CASES[0];
    let (owner, nodes) = packages(&mut app, &[case.repository]).await;
    let old = nodes[0]["webhookSecret"].as_str().unwrap().to_owned();

    // A member of a team without package rights sees the URL, not the secret.
    let team_id = crate::graphql::teams::create_team(&owner, "Readers", 0).await;
    let (member, _) = crate::graphql::teams::join(&app, &owner, "member", &[&team_id]).await;
    owner
        .graphql(
            "mutation($t: ID!, $p: [String!]!) { addTeamPackages(teamId: $t, packages: $p) { id } }",
            json!({ "t": team_id, "p": [nodes[0]["id"]] }),
        )
        .await
        .data();
    let seen = member
        .graphql(
            "{ organization(urlName: \"acme\") { packages { nodes { webhookUrl } } } }",
            json!({}),
        )
        .await;
    assert!(seen.data()["organization"]["packages"]["nodes"][0]["webhookUrl"].is_string());
    let refused = member
        .graphql(
            "{ organization(urlName: \"acme\") { packages { nodes { webhookSecret } } } }",
            json!({}),
        )
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");

    let regenerate = "mutation($c: Boolean!) { regenerateWebhookSecret(organization: \"acme\", iConfirmHooksWithTheOldSecretWillBeRefused: $c) }";
    let unconfirmed = owner.graphql(regenerate, json!({ "c": false })).await;
    assert_eq!(unconfirmed.error_code(), "BAD_USER_INPUT");
    let not_owner = member.graphql(regenerate, json!({ "c": true })).await;
    assert_eq!(not_owner.error_code(), "FORBIDDEN");
    let regenerated = owner.graphql(regenerate, json!({ "c": true })).await;
    let new = regenerated.data()["regenerateWebhookSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new, old);

    let body = fixture(case.file);
    let signed = signature(case.scheme, &body, &old);
    let (status, _) = deliver(&app, "/api/hooks/acme", case.headers, &signed, body.clone()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old secret is refused"
    );
    let signed = signature(case.scheme, &body, &new);
    let (status, answer) = deliver(&app, "/api/hooks/acme", case.headers, &signed, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
}
