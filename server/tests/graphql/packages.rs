use serde_json::json;

use crate::both_backends;
use crate::support::TestApp;
use crate::support::git::{GitRepo, library_manifest};

both_backends!(
    package_input_is_validated,
    unreadable_sources_end_in_a_failed_job_that_keeps_existing_versions,
    two_repositories_cannot_claim_one_name,
    dependents_are_the_packages_that_require_it,
    local_repositories_need_the_setting,
);

const CREATE: &str = "mutation($o: String!, $u: String!) { createVcsPackage(organization: $o, url: $u) { id status } }";

async fn organization(app: &TestApp) -> crate::support::Client {
    let owner = app.user("owner").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    owner
}

async fn add(app: &TestApp, owner: &crate::support::Client, url: &str) -> serde_json::Value {
    let job_id = owner
        .graphql(CREATE, json!({ "o": "acme", "u": url }))
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    app.wait_for_job(owner, &job_id).await
}

async fn package_input_is_validated(app: TestApp) {
    let owner = organization(&app).await;
    for url in ["", "not a url", "ftp://example.com/x.git"] {
        let response = owner
            .graphql(CREATE, json!({ "o": "acme", "u": url }))
            .await;
        assert_eq!(response.error_code(), "BAD_USER_INPUT", "{url}");
        assert_eq!(response.error_field(), Some("url"));
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = GitRepo::init(dir.path(), "main");
    repo.commit(
        &[("composer.json", &library_manifest("acme/a", "A", &[]))],
        "a",
    );
    owner
        .graphql(CREATE, json!({ "o": "acme", "u": repo.url() }))
        .await
        .data();
    let twice = owner
        .graphql(CREATE, json!({ "o": "acme", "u": repo.url() }))
        .await;
    assert_eq!(twice.error_code(), "CONFLICT");
    assert_eq!(twice.error_field(), Some("url"));
    let bad_credential = owner
        .graphql(
            "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u, credentialId: \"999\") { id } }",
            json!({ "u": "https://git.example.com/other.git" }),
        )
        .await;
    assert_eq!(bad_credential.error_field(), Some("credentialId"));

    let stranger = app.user("stranger").await;
    assert_eq!(
        stranger
            .graphql(
                CREATE,
                json!({ "o": "acme", "u": "https://x.example/y.git" })
            )
            .await
            .error_code(),
        "NOT_FOUND"
    );
    assert_eq!(
        app.anonymous()
            .graphql(
                CREATE,
                json!({ "o": "acme", "u": "https://x.example/y.git" })
            )
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
}

async fn unreadable_sources_end_in_a_failed_job_that_keeps_existing_versions(app: TestApp) {
    let owner = organization(&app).await;
    let dir = tempfile::tempdir().unwrap();
    // A path that does not exist, as a file:// URL and as a plain path (which libgit2
    // alone reports as an "unsupported URL protocol").
    let nothing = dir.path().join("nothing-here").display().to_string();
    for url in [format!("file://{nothing}"), nothing.clone()] {
        let missing = add(&app, &owner, &url).await;
        assert_eq!(missing["status"], "ERROR");
        assert_eq!(
            missing["error"].as_str().unwrap(),
            format!(
                "repository not found at {url}: nothing exists at that path on the Packyard \
                 server. Check the URL"
            ),
            "{missing}"
        );
        assert!(
            missing["log"]
                .as_str()
                .unwrap()
                .contains("fetch failed: RepositoryNotFound"),
            "{missing}"
        );
    }
    // A directory that is there but holds no repository.
    std::fs::create_dir_all(dir.path().join("plain")).unwrap();
    let plain = format!("file://{}", dir.path().join("plain").display());
    let not_git = add(&app, &owner, &plain).await;
    assert_eq!(
        not_git["error"].as_str().unwrap(),
        format!("{plain} is not a git repository"),
        "{not_git}"
    );

    let empty = GitRepo::init(&dir.path().join("empty"), "main");
    empty.commit(&[("README.md", "no composer.json here\n")], "readme");
    let job = add(&app, &owner, &empty.url()).await;
    assert_eq!(job["status"], "ERROR");
    assert!(
        job["error"]
            .as_str()
            .unwrap()
            .contains("no branch or tag of the repository has a valid composer.json"),
        "{job}"
    );

    // A package that worked keeps its versions when its source breaks later.
    let repo = GitRepo::init(&dir.path().join("lib"), "main");
    repo.commit(
        &[(
            "composer.json",
            &library_manifest("acme/lib", "Acme\\Lib", &[]),
        )],
        "one",
    );
    repo.tag("1.0.0");
    assert_eq!(add(&app, &owner, &repo.url()).await["status"], "SUCCESS");
    std::fs::remove_dir_all(&repo.path).unwrap();
    let job_id = owner
        .graphql(
            "mutation { updatePackage(organization: \"acme\", name: \"acme/lib\") { id } }",
            json!({}),
        )
        .await
        .data()["updatePackage"]["id"]
        .clone();
    let failed = app.wait_for_job(&owner, &job_id).await;
    assert_eq!(failed["status"], "ERROR", "{failed}");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .starts_with(&format!("repository not found at {}:", repo.url())),
        "{failed}"
    );
    let versions = owner
        .graphql("{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { versions { totalCount } lastJob { status } } } }", json!({}))
        .await;
    assert_eq!(
        versions.data()["organization"]["package"]["versions"]["totalCount"],
        2
    );
    assert_eq!(
        versions.data()["organization"]["package"]["lastJob"]["status"],
        "ERROR"
    );
}

async fn two_repositories_cannot_claim_one_name(app: TestApp) {
    let owner = organization(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let first = GitRepo::init(&dir.path().join("one"), "main");
    first.commit(
        &[("composer.json", &library_manifest("acme/lib", "A", &[]))],
        "one",
    );
    let second = GitRepo::init(&dir.path().join("two"), "main");
    second.commit(
        &[("composer.json", &library_manifest("acme/lib", "B", &[]))],
        "two",
    );
    assert_eq!(add(&app, &owner, &first.url()).await["status"], "SUCCESS");
    let clash = add(&app, &owner, &second.url()).await;
    assert_eq!(clash["status"], "ERROR");
    assert!(
        clash["error"]
            .as_str()
            .unwrap()
            .contains("already named acme/lib"),
        "{clash}"
    );
}

async fn dependents_are_the_packages_that_require_it(app: TestApp) {
    let owner = organization(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let util = GitRepo::init(&dir.path().join("util"), "main");
    util.commit(
        &[("composer.json", &library_manifest("acme/util", "U", &[]))],
        "util",
    );
    let lib = GitRepo::init(&dir.path().join("lib"), "main");
    lib.commit(
        &[(
            "composer.json",
            &library_manifest("acme/lib", "L", &[("acme/util", "^1.0"), ("php", ">=8")]),
        )],
        "lib",
    );
    assert_eq!(add(&app, &owner, &util.url()).await["status"], "SUCCESS");
    assert_eq!(add(&app, &owner, &lib.url()).await["status"], "SUCCESS");
    let response = owner
        .graphql("{ organization(urlName: \"acme\") { package(name: \"acme/util\") { dependents { name } } packages(query: \"ACME/LIB\") { totalCount nodes { name } } } }", json!({}))
        .await;
    let organization = &response.data()["organization"];
    assert_eq!(
        organization["package"]["dependents"],
        json!([{ "name": "acme/lib" }])
    );
    assert_eq!(
        organization["packages"],
        json!({ "totalCount": 1, "nodes": [{ "name": "acme/lib" }] })
    );
}

async fn local_repositories_need_the_setting(app: TestApp) {
    let url = app.state.config.database_url.clone();
    let strict = TestApp::start_with(url, |config| config.allow_local_repositories = false).await;
    let owner = strict.user("owner2").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"strict\") { id } }",
            json!({}),
        )
        .await
        .data();
    let refused = owner
        .graphql(CREATE, json!({ "o": "strict", "u": "file:///etc" }))
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert!(
        refused
            .error_message()
            .contains("local repositories are not allowed")
    );
    drop(app);
}

both_backends!(
    tags_may_leave_the_name_to_the_default_branch,
    unreachable_hosts_are_retried_with_the_reason,
    custom_packages_publish_their_definition,
    vcs_packages_can_be_pointed_elsewhere,
    organization_subscriptions_stream_jobs_and_package_updates,
);

async fn custom_packages_publish_their_definition(app: TestApp) {
    let owner = app.user("owner").await;
    let token = app.organization_with_token(&owner, "acme").await;
    let create = "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }";
    let definition = json!({ "type": "package", "package": [
        { "name": "acme/legacy", "version": "1.0.0", "description": "Old code",
          "dist": { "type": "zip", "url": "https://downloads.example.com/legacy-1.0.0.zip", "shasum": "" } },
        { "name": "acme/legacy", "version": "1.1.0",
          "dist": { "type": "zip", "url": "https://downloads.example.com/legacy-1.1.0.zip" } },
    ]});
    let job_id = owner
        .graphql(create, json!({ "d": definition.to_string() }))
        .await
        .data()["createCustomPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");

    let http = reqwest::Client::new();
    let p2: serde_json::Value = http
        .get(format!("{}/acme/p2/acme/legacy.json", app.base_url))
        .basic_auth("token", Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let versions = p2["packages"]["acme/legacy"].as_array().unwrap();
    assert_eq!(versions[0]["version"], "1.1.0");
    assert_eq!(
        versions[0]["dist"]["url"],
        "https://downloads.example.com/legacy-1.1.0.zip"
    );

    let bad = owner
        .graphql(create, json!({ "d": "{\"name\": \"acme/x\"}" }))
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
    assert_eq!(bad.error_field(), Some("definition"));
    assert_eq!(bad.error_message(), "versions[0].version: is required");
    // A mistake is found by the version it is in, as written, not by its position.
    let mut wrong_url = definition.clone();
    wrong_url["package"][1]["dist"]["url"] = "ftp://downloads.example.com/legacy.zip".into();
    let bad = owner
        .graphql(create, json!({ "d": wrong_url.to_string() }))
        .await;
    assert_eq!(bad.error_field(), Some("definition"));
    assert_eq!(
        bad.error_message(),
        r#"versions["1.1.0"].dist.url: must be an absolute http(s) URL, not "ftp://downloads.example.com/legacy.zip""#
    );
    let taken = owner
        .graphql(create, json!({ "d": definition.to_string() }))
        .await;
    assert_eq!(taken.error_code(), "CONFLICT");

    let renamed = json!({ "name": "acme/other", "version": "1.0.0", "dist": { "type": "zip", "url": "https://x.example/a.zip" } });
    let edit = "mutation($d: String!) { editCustomPackage(organization: \"acme\", name: \"acme/legacy\", definition: $d) { id } }";
    let refused = owner
        .graphql(edit, json!({ "d": renamed.to_string() }))
        .await;
    assert_eq!(refused.error_field(), Some("definition"));
    let fewer = json!({ "name": "acme/legacy", "version": "2.0.0", "dist": { "type": "zip", "url": "https://x.example/2.zip" } });
    let job_id = owner
        .graphql(edit, json!({ "d": fewer.to_string() }))
        .await
        .data()["editCustomPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
    let listed = owner
        .graphql("{ organization(urlName: \"acme\") { package(name: \"acme/legacy\") { kind versions { nodes { version } } } } }", json!({}))
        .await;
    assert_eq!(
        listed.data()["organization"]["package"],
        json!({ "kind": "CUSTOM", "versions": { "nodes": [{ "version": "2.0.0" }] } })
    );
}

async fn vcs_packages_can_be_pointed_elsewhere(app: TestApp) {
    let owner = organization(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let first = GitRepo::init(&dir.path().join("one"), "main");
    first.commit(
        &[("composer.json", &library_manifest("acme/lib", "A", &[]))],
        "one",
    );
    first.tag("1.0.0");
    assert_eq!(add(&app, &owner, &first.url()).await["status"], "SUCCESS");
    let moved = GitRepo::init(&dir.path().join("moved"), "main");
    moved.commit(
        &[("composer.json", &library_manifest("acme/lib", "A", &[]))],
        "moved",
    );
    moved.tag("2.0.0");
    let edit = "mutation($u: String!) { editVcsPackage(organization: \"acme\", name: \"acme/lib\", url: $u) { id } }";
    let job_id = owner
        .graphql(edit, json!({ "u": moved.url() }))
        .await
        .data()["editVcsPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
    let versions = owner
        .graphql("{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { repositoryUrl versions { nodes { version } } } } }", json!({}))
        .await;
    let package = &versions.data()["organization"]["package"];
    assert_eq!(package["repositoryUrl"], moved.url());
    assert_eq!(
        package["versions"]["nodes"],
        json!([{ "version": "2.0.0" }, { "version": "dev-main" }])
    );
    let bad = owner.graphql(edit, json!({ "u": "nope" })).await;
    assert_eq!(bad.error_field(), Some("url"));
}

async fn organization_subscriptions_stream_jobs_and_package_updates(mut app: TestApp) {
    use crate::support::websocket::{next_payload, subscribe};
    let owner = organization(&app).await;
    let (_, token) = app.token_client(&owner).await;
    let mut updates = subscribe(
        &app.base_url,
        &token,
        "subscription { packageUpdated(urlName: \"acme\") { name } }",
    )
    .await;

    // The job waits while the worker is stopped, so the subscription sees it QUEUED
    // whether it starts before the job (as an event) or after it (as the current state).
    app.stop_worker().await;
    let dir = tempfile::tempdir().unwrap();
    let repo = GitRepo::init(dir.path(), "main");
    repo.commit(
        &[("composer.json", &library_manifest("acme/live", "L", &[]))],
        "live",
    );
    let job_id = owner
        .graphql(CREATE, json!({ "o": "acme", "u": repo.url() }))
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    let mut jobs = subscribe(
        &app.base_url,
        &token,
        "subscription { organizationJobs(urlName: \"acme\") { id status } }",
    )
    .await;
    let first = next_payload(&mut jobs).await.unwrap()["organizationJobs"].clone();
    assert_eq!(first, json!({ "id": job_id, "status": "QUEUED" }));
    app.start_worker();
    let mut statuses = Vec::new();
    while statuses.last() != Some(&json!("SUCCESS")) {
        statuses.push(next_payload(&mut jobs).await.unwrap()["organizationJobs"]["status"].clone());
    }
    assert!(statuses.contains(&json!("RUNNING")), "{statuses:?}");

    // Nothing confirms when the other subscription is registered: should the first
    // update have come before it was, ask for another one.
    let mut updated = None;
    for _ in 0..5 {
        match tokio::time::timeout(
            std::time::Duration::from_secs(2),
            next_payload(&mut updates),
        )
        .await
        {
            Ok(payload) => {
                updated = payload;
                break;
            }
            Err(_) => {
                let job = owner
                    .graphql("mutation { updatePackage(organization: \"acme\", name: \"acme/live\") { id } }", json!({}))
                    .await
                    .data()["updatePackage"]["id"]
                    .clone();
                app.wait_for_job(&owner, &job).await;
            }
        }
    }
    assert_eq!(updated.unwrap()["packageUpdated"]["name"], "acme/live");

    let stranger = app.user("stranger").await;
    let (_, strangers) = app.token_client(&stranger).await;
    let mut denied = subscribe(
        &app.base_url,
        &strangers,
        "subscription { organizationJobs(urlName: \"acme\") { status } }",
    )
    .await;
    let denial = crate::support::websocket::next_message(&mut denied).await;
    assert_eq!(
        denial["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{denial}"
    );
}

async fn tags_may_leave_the_name_to_the_default_branch(app: TestApp) {
    let owner = organization(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let repo = GitRepo::init(dir.path(), "main");
    repo.commit(
        &[("composer.json", r#"{"description": "no name here"}"#)],
        "old",
    );
    repo.tag("0.9.0");
    repo.commit(
        &[("composer.json", &library_manifest("acme/named", "N", &[]))],
        "named",
    );
    assert_eq!(add(&app, &owner, &repo.url()).await["status"], "SUCCESS");
    let versions = owner
        .graphql("{ organization(urlName: \"acme\") { package(name: \"acme/named\") { versions { nodes { version } } } } }", json!({}))
        .await;
    assert_eq!(
        versions.data()["organization"]["package"]["versions"]["nodes"],
        json!([{ "version": "0.9.0" }, { "version": "dev-main" }])
    );
}

async fn unreachable_hosts_are_retried_with_the_reason(app: TestApp) {
    let owner = organization(&app).await;
    // Nothing listens on port 1 of the loopback: the connection is refused at once.
    let job_id = owner
        .graphql(
            CREATE,
            json!({ "o": "acme", "u": "https://127.0.0.1:1/acme/lib.git" }),
        )
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let job = owner
            .graphql(
                "query($id: ID!) { job(id: $id) { status attempts error } }",
                json!({ "id": job_id }),
            )
            .await;
        let job = job.data()["job"].clone();
        if job["attempts"] == 1 && job["status"] == "QUEUED" {
            // Waiting for its next attempt, with the reason kept.
            assert!(
                job["error"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("127.0.0.1:1"),
                "{job}"
            );
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{job}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
