use reqwest::StatusCode;
use serde_json::{Value, json};
use sha1::Digest;

use crate::both_backends;
use crate::support::TestApp;
use crate::support::git::{GitRepo, library_manifest};

both_backends!(
    a_git_repository_becomes_composer_metadata_and_dists,
    repository_requests_need_a_token_of_that_organization,
    a_team_token_sees_every_package_once_its_team_has_access_to_all,
    a_team_view_changed_within_a_second_is_not_answered_304,
);

const CREATE: &str = "mutation($o: String!, $u: String!) { createVcsPackage(organization: $o, url: $u) { id status } }";

/// tags v1.0.0, v1.1.0, 2.0.0-beta1, a tag without composer.json; branches main and 1.x.
fn library_repository(dir: &std::path::Path) -> GitRepo {
    let repo = GitRepo::init(&dir.join("lib"), "main");
    let manifest = library_manifest(
        "acme/lib",
        "Acme\\Lib",
        &[("php", ">=8.1"), ("acme/util", "^1.0")],
    );
    repo.commit(
        &[
            ("composer.json", &manifest),
            (
                "src/Greeter.php",
                "<?php\nnamespace Acme\\Lib;\nclass Greeter {}\n",
            ),
            ("tests/GreeterTest.php", "<?php\n"),
            (".gitattributes", "/tests export-ignore\n"),
        ],
        "v1.0.0",
    );
    repo.tag("v1.0.0");
    repo.commit(&[("README.md", "# lib\n")], "v1.1.0");
    repo.tag("v1.1.0");
    repo.branch("1.x");
    repo.commit(&[("CHANGELOG.md", "2.0\n")], "2.0 beta");
    repo.tag("2.0.0-beta1");
    repo.git(&["rm", "--quiet", "composer.json"]);
    repo.commit(&[], "broken");
    repo.tag("v9.9.9");
    repo.git(&["revert", "--no-edit", "HEAD"]);
    repo
}

async fn get(client: &reqwest::Client, url: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.basic_auth("token", Some(token));
    }
    request.send().await.unwrap()
}

async fn a_git_repository_becomes_composer_metadata_and_dists(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let repo = library_repository(dir.path());
    let owner = app.user("owner").await;
    let token = app.organization_with_token(&owner, "acme").await;

    let created = owner
        .graphql(CREATE, json!({ "o": "acme", "u": repo.url() }))
        .await;
    let job_id = created.data()["createVcsPackage"]["id"].clone();
    let job = app.wait_for_job(&owner, &job_id).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    let log = job["log"].as_str().unwrap();
    assert!(
        log.contains("skipped tag v9.9.9: no composer.json"),
        "{log}"
    );

    let package = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") {
                name description defaultBranch installCommand
                versions { totalCount nodes { version versionNormalized stability isDefaultBranch } } } } }",
            json!({}),
        )
        .await;
    let package = &package.data()["organization"]["package"];
    assert_eq!(package["installCommand"], "composer require acme/lib");
    assert_eq!(package["defaultBranch"], "main");
    let versions: Vec<&str> = package["versions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(
        versions,
        ["2.0.0-beta1", "v1.1.0", "v1.0.0", "1.x-dev", "dev-main"]
    );

    let http = reqwest::Client::new();
    let base = format!("{}/acme", app.base_url);
    let root: Value = get(&http, &format!("{base}/packages.json"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(root["metadata-url"], "/acme/p2/%package%.json");
    assert_eq!(root["available-packages"], json!(["acme/lib"]));
    assert_eq!(root["notify-batch"], format!("{base}/downloads/"));

    let tagged = get(&http, &format!("{base}/p2/acme/lib.json"), Some(&token)).await;
    assert_eq!(tagged.status(), StatusCode::OK);
    let last_modified = tagged.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let etag = tagged.headers()["etag"].to_str().unwrap().to_owned();
    let tagged: Value = tagged.json().await.unwrap();
    assert_eq!(tagged["minified"], "composer/2.0");
    let first = &tagged["packages"]["acme/lib"][0];
    assert_eq!(first["version"], "2.0.0-beta1");
    let dist_url = first["dist"]["url"].as_str().unwrap().to_owned();
    let shasum = first["dist"]["shasum"].as_str().unwrap().to_owned();

    // Revalidation answers 304 by date and by tag.
    let by_date = http
        .get(format!("{base}/p2/acme/lib.json"))
        .basic_auth("token", Some(&token))
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(by_date.status(), StatusCode::NOT_MODIFIED);
    let by_tag = http
        .get(format!("{base}/p2/acme/lib.json"))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(by_tag.status(), StatusCode::NOT_MODIFIED);

    let dev: Value = get(&http, &format!("{base}/p2/acme/lib~dev.json"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let dev_versions: Vec<&str> = dev["packages"]["acme/lib"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["version"].as_str())
        .collect();
    assert!(
        dev_versions.contains(&"dev-main") && dev_versions.contains(&"1.x-dev"),
        "{dev}"
    );

    // The dist is the archive the metadata describes, without export-ignored files.
    let zip = get(&http, &dist_url, Some(&token)).await;
    assert_eq!(zip.status(), StatusCode::OK);
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let bytes = zip.bytes().await.unwrap();
    assert_eq!(hex::encode(sha1::Sha1::digest(&bytes)), shasum);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("/src/Greeter.php")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("tests/")), "{names:?}");

    assert_eq!(
        get(&http, &format!("{base}/p2/acme/missing.json"), Some(&token))
            .await
            .status(),
        404
    );

    // notify-batch counts installs.
    let notified = http
        .post(format!("{base}/downloads/"))
        .basic_auth("token", Some(&token))
        .json(&json!({ "downloads": [{ "name": "acme/lib", "version": "1.1.0.0" }, { "name": "psr/log", "version": "1.0.0.0" }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(notified.status(), StatusCode::CREATED);
    // Counted for the package and for the token that installed it (not for psr/log,
    // which is not ours).
    let counted = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/lib\") { downloads(days: 1) { total } } tokens { downloads(days: 1) { total } } } }",
            json!({}),
        )
        .await
        .data()["organization"]
        .clone();
    assert_eq!(counted["package"]["downloads"]["total"], 1);
    assert_eq!(counted["tokens"][0]["downloads"]["total"], 1);

    // A new tag and updatePackage publish it; unchanged refs are not read again.
    repo.commit(&[("NEWS.md", "1.2\n")], "v1.2.0");
    repo.tag("v1.2.0");
    let job_id = owner
        .graphql(
            "mutation { updatePackage(organization: \"acme\", name: \"acme/lib\") { id } }",
            json!({}),
        )
        .await
        .data()["updatePackage"]["id"]
        .clone();
    let job = app.wait_for_job(&owner, &job_id).await;
    assert_eq!(job["status"], "SUCCESS", "{job}");
    // Refs read before are reused, and the package keeps its description and type.
    let summary = owner
        .graphql(
            "query($id: ID!) { job(id: $id) { package { name description type } } }",
            json!({ "id": job_id }),
        )
        .await;
    assert_eq!(
        summary.data()["job"]["package"],
        json!({ "name": "acme/lib", "description": "The acme/lib library", "type": "library" })
    );
    // A client revalidating its copy gets the new document, even when both were
    // published within one second (HTTP dates have whole seconds).
    let revalidated = http
        .get(format!("{base}/p2/acme/lib.json"))
        .basic_auth("token", Some(&token))
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::OK);
    assert_ne!(
        revalidated.headers()["last-modified"],
        last_modified.as_str()
    );
    assert_ne!(revalidated.headers()["etag"], etag.as_str());
    let tagged: Value = revalidated.json().await.unwrap();
    let expanded = tagged["packages"]["acme/lib"].as_array().unwrap();
    assert!(
        expanded.iter().any(|v| v["version"] == "v1.2.0"),
        "{tagged}"
    );
    // The dist of an unchanged version keeps its bytes and its shasum.
    let again = get(&http, &dist_url, Some(&token))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(hex::encode(sha1::Sha1::digest(&again)), shasum);
}

async fn repository_requests_need_a_token_of_that_organization(app: TestApp) {
    let owner = app.user("owner").await;
    let token = app.organization_with_token(&owner, "acme").await;
    let other_token = app.organization_with_token(&owner, "globex").await;
    let http = reqwest::Client::new();
    let url = format!("{}/acme/packages.json", app.base_url);

    let anonymous = get(&http, &url, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic realm=")
    );
    let body: Value = anonymous.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("token"));

    assert_eq!(
        get(&http, &url, Some("pyo_wrong")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&http, &url, Some(&other_token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let unknown = format!("{}/nope/packages.json", app.base_url);
    assert_eq!(
        get(&http, &unknown, Some(&token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&http, &url, Some(&token)).await.status(),
        StatusCode::OK
    );

    // A member's personal API token works too.
    let (_, personal) = app.token_client(&owner).await;
    assert_eq!(
        get(&http, &url, Some(&personal)).await.status(),
        StatusCode::OK
    );
    let stranger = app.user("stranger").await;
    let (_, strangers) = app.token_client(&stranger).await;
    assert_eq!(
        get(&http, &url, Some(&strangers)).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Removing the token locks it out at once.
    let id = owner
        .graphql(
            "{ organization(urlName: \"acme\") { tokens { id } } }",
            json!({}),
        )
        .await
        .data()["organization"]["tokens"][0]["id"]
        .clone();
    owner
        .graphql(
            "mutation($id: ID!) { removeToken(id: $id) }",
            json!({ "id": id }),
        )
        .await
        .data();
    assert_eq!(
        get(&http, &url, Some(&token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Adds a custom package `name` (one dist-only version) to acme and waits for its job.
async fn custom_package(app: &TestApp, owner: &crate::support::Client, name: &str) {
    let definition = json!({ "name": name, "version": "1.0.0",
        "dist": { "type": "zip", "url": format!("https://downloads.example.com/{name}.zip") } });
    let job_id = owner
        .graphql(
            "mutation($d: String!) { createCustomPackage(organization: \"acme\", definition: $d) { id } }",
            json!({ "d": definition.to_string() }),
        )
        .await
        .data()["createCustomPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(owner, &job_id).await["status"], "SUCCESS");
}

async fn available_packages(http: &reqwest::Client, url: &str, token: &str) -> Vec<String> {
    let response = get(http, url, Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let root: Value = response.json().await.unwrap();
    let mut names: Vec<String> = root["available-packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// A team token sees the team's packages; when the team is given access to all packages
/// (as the owners team has), every package, in the repository and through the API.
async fn a_team_token_sees_every_package_once_its_team_has_access_to_all(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    custom_package(&app, &owner, "acme/granted").await;
    custom_package(&app, &owner, "acme/withheld").await;
    let team_id = owner
        .graphql(
            "mutation { createTeam(organization: \"acme\", name: \"Developers\") { id } }",
            json!({}),
        )
        .await
        .data()["createTeam"]["id"]
        .clone();
    owner
        .graphql(
            "mutation($t: ID!) { addTeamPackages(teamId: $t, packages: [\"acme/granted\"]) { name } }",
            json!({ "t": team_id }),
        )
        .await
        .data();
    let create_token = "mutation($t: ID!) { createToken(organization: \"acme\", description: \"team\", access: READ, teamId: $t) { secret } }";
    let token = owner
        .graphql(create_token, json!({ "t": team_id }))
        .await
        .data()["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let http = reqwest::Client::new();
    let root = format!("{}/acme/packages.json", app.base_url);
    let withheld = format!("{}/acme/p2/acme/withheld.json", app.base_url);
    let api = crate::support::Client::new(&app.base_url, Some(token.clone()));
    let count = "{ organization(urlName: \"acme\") { packages { totalCount } } }";

    assert_eq!(
        available_packages(&http, &root, &token).await,
        ["acme/granted"]
    );
    assert_eq!(
        get(&http, &withheld, Some(&token)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.graphql(count, json!({})).await.data()["organization"]["packages"]["totalCount"],
        1
    );

    owner
        .graphql(
            "mutation($t: ID!) { grantTeamAccessToAllPackages(teamId: $t) { accessToAllPackages } }",
            json!({ "t": team_id }),
        )
        .await
        .data();
    assert_eq!(
        available_packages(&http, &root, &token).await,
        ["acme/granted", "acme/withheld"]
    );
    assert_eq!(
        get(&http, &withheld, Some(&token)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        api.graphql(count, json!({})).await.data()["organization"]["packages"]["totalCount"],
        2
    );
    // Packages added later reach the team too.
    custom_package(&app, &owner, "acme/later").await;
    assert_eq!(
        available_packages(&http, &root, &token).await,
        ["acme/granted", "acme/later", "acme/withheld"]
    );

    // A token of the owners team sees everything as well.
    let teams = owner
        .graphql(
            "{ organization(urlName: \"acme\") { teams { id isOwners } } }",
            json!({}),
        )
        .await;
    let owners_team = teams.data()["organization"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|team| team["isOwners"] == true)
        .unwrap()["id"]
        .clone();
    let owners_token = owner
        .graphql(create_token, json!({ "t": owners_team }))
        .await
        .data()["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        available_packages(&http, &root, &owners_token).await,
        ["acme/granted", "acme/later", "acme/withheld"]
    );
}

/// The `Last-Modified` of a response, checked to be a second that was over when the
/// response was sent (its `Date`).
fn last_modified_in_the_past(response: &reqwest::Response) -> Option<String> {
    let date = |name: &str| {
        response.headers().get(name).map(|value| {
            let text = value.to_str().unwrap().to_owned();
            let parsed = chrono::DateTime::parse_from_rfc2822(&text).unwrap();
            (text, parsed)
        })
    };
    let (_, sent) = date("date").expect("a Date header");
    let (text, last_modified) = date("last-modified")?;
    assert!(
        last_modified < sent,
        "Last-Modified {text} given within its own second ({sent})"
    );
    Some(text)
}

/// A team's `packages.json` is rendered when first asked for after a change, and a grant
/// may change it again within the same second. Composer revalidates with
/// `If-Modified-Since` alone, so a date given for the first version must not make the
/// second one look unchanged.
async fn a_team_view_changed_within_a_second_is_not_answered_304(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    custom_package(&app, &owner, "acme/first").await;
    custom_package(&app, &owner, "acme/second").await;
    let team_id = owner
        .graphql(
            "mutation { createTeam(organization: \"acme\", name: \"Developers\") { id } }",
            json!({}),
        )
        .await
        .data()["createTeam"]["id"]
        .clone();
    let grant =
        "mutation($t: ID!, $p: String!) { addTeamPackages(teamId: $t, packages: [$p]) { name } }";
    owner
        .graphql(grant, json!({ "t": team_id, "p": "acme/first" }))
        .await
        .data();
    let token = owner
        .graphql(
            "mutation($t: ID!) { createToken(organization: \"acme\", description: \"team\", access: READ, teamId: $t) { secret } }",
            json!({ "t": team_id }),
        )
        .await
        .data()["createToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let http = reqwest::Client::new();
    let root = format!("{}/acme/packages.json", app.base_url);
    let revalidate = |since: String| {
        http.get(&root)
            .basic_auth("token", Some(&token))
            .header("if-modified-since", since)
            .send()
    };

    let before = get(&http, &root, Some(&token)).await;
    let before_date = last_modified_in_the_past(&before);
    owner
        .graphql(grant, json!({ "t": team_id, "p": "acme/second" }))
        .await
        .data();
    let after = get(&http, &root, Some(&token)).await;
    last_modified_in_the_past(&after);
    let after: Value = after.json().await.unwrap();
    assert_eq!(
        after["available-packages"],
        json!(["acme/first", "acme/second"])
    );
    if let Some(since) = before_date {
        let revalidated = revalidate(since).await.unwrap();
        assert_eq!(revalidated.status(), StatusCode::OK);
    }

    // Once its second is over, the view is dated, and revalidation answers 304.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    let since = loop {
        let response = get(&http, &root, Some(&token)).await;
        if let Some(date) = last_modified_in_the_past(&response) {
            break date;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the view never got a date"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let revalidated = revalidate(since).await.unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
}
