use std::io::Write;

use serde_json::{Value, json};
use sha1::Digest;

use crate::both_backends;
use crate::support::{Client, TestApp};

both_backends!(
    uploaded_archives_become_an_installable_package,
    bad_archives_are_refused_with_the_reason,
    the_same_archive_is_stored_once_per_organization,
    unused_archives_can_be_removed_with_their_file,
    stored_bytes_are_never_replaced_by_others_under_their_sha1,
);

fn archive(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn release(version: &str) -> Vec<u8> {
    let manifest = json!({ "name": "acme/tool", "version": version, "description": "A tool", "autoload": { "psr-4": { "Acme\\Tool\\": "src/" } } });
    archive(&[
        ("tool/composer.json", &manifest.to_string()),
        ("tool/src/Tool.php", "<?php\n"),
    ])
}

/// A GraphQL multipart request (the spec's `operations` + `map` + file parts).
async fn upload(client: &Client, organization: &str, bytes: Vec<u8>) -> Value {
    upload_as(client, organization, "tool.zip", bytes).await
}

async fn upload_as(client: &Client, organization: &str, file_name: &str, bytes: Vec<u8>) -> Value {
    let operations = json!({
        "query": "mutation($o: String!, $f: Upload!) { uploadArtifact(organization: $o, file: $f) { id packageName version sha1 } }",
        "variables": { "o": organization, "f": null },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(file_name.to_owned())
                .mime_str("application/zip")
                .unwrap(),
        );
    client
        .http
        .post(format!("{}/graphql", client.base_url))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn uploaded_archives_become_an_installable_package(app: TestApp) {
    let owner = app.user("owner").await;
    let token = app.organization_with_token(&owner, "acme").await;
    let first_bytes = release("1.0.0");
    let first = upload(&owner, "acme", first_bytes.clone()).await;
    assert!(first.get("errors").is_none(), "{first}");
    let first = &first["data"]["uploadArtifact"];
    assert_eq!(
        (first["packageName"].as_str(), first["version"].as_str()),
        (Some("acme/tool"), Some("1.0.0"))
    );
    assert_eq!(first["sha1"], hex::encode(sha1::Sha1::digest(&first_bytes)));

    let job_id = owner
        .graphql("mutation($ids: [ID!]!) { createArtifactPackage(organization: \"acme\", artifactIds: $ids) { id } }", json!({ "ids": [first["id"]] }))
        .await
        .data()["createArtifactPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");

    let second = upload(&owner, "acme", release("1.1.0")).await;
    let job_id = owner
        .graphql(
            "mutation($id: ID!) { addArtifactToPackage(organization: \"acme\", name: \"acme/tool\", artifactId: $id) { id } }",
            json!({ "id": second["data"]["uploadArtifact"]["id"] }),
        )
        .await
        .data()["addArtifactToPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");

    let http = reqwest::Client::new();
    let p2: Value = http
        .get(format!("{}/acme/p2/acme/tool.json", app.base_url))
        .basic_auth("token", Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let versions = p2["packages"]["acme/tool"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{p2}");
    let oldest = versions
        .iter()
        .find(|v| v["version"] == "1.0.0")
        .expect("1.0.0 published");
    let dist = http
        .get(oldest["dist"]["url"].as_str().unwrap())
        .basic_auth("token", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(dist.status(), 200);
    assert_eq!(
        dist.bytes().await.unwrap().to_vec(),
        first_bytes,
        "served exactly as uploaded"
    );
    let listed = owner
        .graphql("{ organization(urlName: \"acme\") { package(name: \"acme/tool\") { kind artifacts { version } } } }", json!({}))
        .await;
    assert_eq!(
        listed.data()["organization"]["package"],
        json!({ "kind": "ARTIFACT", "artifacts": [{ "version": "1.0.0" }, { "version": "1.1.0" }] })
    );
}

async fn bad_archives_are_refused_with_the_reason(app: TestApp) {
    let owner = app.user("owner").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    let manifest = json!({ "name": "acme/tool", "version": "1.0.0" }).to_string();
    let whole = release("1.0.0");
    for (bytes, expected) in [
        (
            b"definitely not a zip".to_vec(),
            "the uploaded file is not a valid zip archive",
        ),
        // Cut short, as an interrupted download would be: no library wording.
        (
            whole[..whole.len() / 2].to_vec(),
            "the uploaded file is not a valid zip archive",
        ),
        (
            archive(&[("README", "no manifest")]),
            "the archive has no composer.json at its top level",
        ),
        (
            archive(&[("composer.json", &manifest), ("../../escape.php", "<?php")]),
            r#"the archive entry "../../escape.php" points outside the package"#,
        ),
    ] {
        let response = upload(&owner, "acme", bytes).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{response}"
        );
        assert_eq!(response["errors"][0]["extensions"]["field"], "file");
        assert_eq!(response["errors"][0]["message"], expected, "{response}");
    }
    let wrong_ids = owner
        .graphql("mutation { createArtifactPackage(organization: \"acme\", artifactIds: [\"999\"]) { id } }", json!({}))
        .await;
    assert_eq!(wrong_ids.error_field(), Some("artifactIds"));
    let stranger = app.user("stranger").await;
    let denied = upload(&stranger, "acme", release("1.0.0")).await;
    assert_eq!(denied["errors"][0]["extensions"]["code"], "NOT_FOUND");

    // Larger than the configured limit: refused before it is read whole.
    let url = app.state.config.database_url.clone();
    let small = TestApp::start_with(url, |config| config.max_upload_mib = 1).await;
    let owner = small.user("owner2").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"small\") { id } }",
            json!({}),
        )
        .await
        .data();
    let big = vec![7u8; 3 * 1024 * 1024];
    let operations = json!({ "query": "mutation($f: Upload!) { uploadArtifact(organization: \"small\", file: $f) { id } }", "variables": { "f": null } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(big).file_name("big.zip"),
        );
    // The server answers 413 as soon as the declared length is over the limit; the client
    // may still be writing and see the connection closed instead. Either way: refused.
    // The server then closes the connection, but the client may see the 413 first and pool
    // the connection for the next request, which then fails; the server's HTTP threads
    // run apart from the test's runtime, so that race is real: no keep-alive here.
    match owner
        .http
        .post(format!("{}/graphql", small.base_url))
        .header(reqwest::header::CONNECTION, "close")
        .multipart(form)
        .send()
        .await
    {
        Ok(response) => assert_eq!(response.status(), 413),
        Err(error) => assert!(error.is_request(), "{error}"),
    }
    let stored = owner
        .graphql(
            "{ organization(urlName: \"small\") { packages { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(stored.data()["organization"]["packages"]["totalCount"], 0);
}

/// The stored file of an uploaded archive.
async fn stored_file(
    app: &TestApp,
    owner: &Client,
    organization: &str,
    sha1: &str,
) -> std::path::PathBuf {
    let id = owner
        .graphql(
            "query($o: String!) { organization(urlName: $o) { id } }",
            json!({ "o": organization }),
        )
        .await
        .data()["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.state
        .blobs
        .root()
        .join(format!("artifacts/{id}/{sha1}.zip"))
}

const ARTIFACTS: &str = "query($o: String!, $n: String, $u: Boolean) { organization(urlName: $o) { artifacts(packageName: $n, unused: $u) { totalCount nodes { id fileName version package { name } } } } }";

async fn artifacts_of(owner: &Client, name: Option<&str>, unused: bool) -> Value {
    owner
        .graphql(ARTIFACTS, json!({ "o": "acme", "n": name, "u": unused }))
        .await
        .data()["organization"]["artifacts"]
        .clone()
}

async fn the_same_archive_is_stored_once_per_organization(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let bytes = release("1.0.0");
    let first = upload_as(&owner, "acme", "tool-1.0.0.zip", bytes.clone()).await;
    let first = &first["data"]["uploadArtifact"];
    // Again, under another name: the stored artifact comes back, not a second one.
    let again = upload_as(&owner, "acme", "copy of tool.zip", bytes.clone()).await;
    assert_eq!(
        again["data"]["uploadArtifact"]["id"], first["id"],
        "{again}"
    );
    let listed = artifacts_of(&owner, None, false).await;
    assert_eq!(listed["totalCount"], 1, "{listed}");
    assert_eq!(listed["nodes"][0]["fileName"], "tool-1.0.0.zip");
    let folder = stored_file(&app, &owner, "acme", first["sha1"].as_str().unwrap())
        .await
        .parent()
        .unwrap()
        .to_owned();
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);

    // Once a package uses it, uploading it again still returns it (and says whose it is).
    let job_id = owner
        .graphql("mutation($ids: [ID!]!) { createArtifactPackage(organization: \"acme\", artifactIds: $ids) { id } }", json!({ "ids": [first["id"]] }))
        .await
        .data()["createArtifactPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
    let used = upload_as(&owner, "acme", "tool.zip", bytes.clone()).await;
    assert_eq!(used["data"]["uploadArtifact"]["id"], first["id"], "{used}");
    let listed = artifacts_of(&owner, Some("acme/tool"), false).await;
    assert_eq!(
        listed,
        json!({ "totalCount": 1, "nodes": [{ "id": first["id"], "fileName": "tool-1.0.0.zip", "version": "1.0.0", "package": { "name": "acme/tool" } }] })
    );
    assert_eq!(artifacts_of(&owner, None, true).await["totalCount"], 0);
    assert_eq!(
        artifacts_of(&owner, Some("acme/other"), false).await["totalCount"],
        0
    );

    // Another organization keeps its own copy.
    owner
        .graphql(
            "mutation { createOrganization(name: \"other\") { id } }",
            json!({}),
        )
        .await
        .data();
    let elsewhere = upload(&owner, "other", bytes).await;
    assert_ne!(
        elsewhere["data"]["uploadArtifact"]["id"], first["id"],
        "{elsewhere}"
    );
}

async fn unused_archives_can_be_removed_with_their_file(app: TestApp) {
    let owner = app.user("owner").await;
    let token = app.organization_with_token(&owner, "acme").await;
    let used = upload(&owner, "acme", release("1.0.0")).await["data"]["uploadArtifact"].clone();
    let unused_bytes = release("1.1.0");
    let unused = upload_as(&owner, "acme", "tool-1.1.0.zip", unused_bytes.clone()).await["data"]["uploadArtifact"].clone();
    let job_id = owner
        .graphql("mutation($ids: [ID!]!) { createArtifactPackage(organization: \"acme\", artifactIds: $ids) { id } }", json!({ "ids": [used["id"]] }))
        .await
        .data()["createArtifactPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
    let listed = artifacts_of(&owner, None, true).await;
    assert_eq!(
        listed["nodes"],
        json!([{ "id": unused["id"], "fileName": "tool-1.1.0.zip", "version": "1.1.0", "package": null }])
    );

    let remove =
        "mutation($o: String!, $id: ID!) { removeArtifact(organization: $o, artifactId: $id) }";
    let in_use = owner
        .graphql(remove, json!({ "o": "acme", "id": used["id"] }))
        .await;
    assert_eq!(in_use.error_code(), "CONFLICT");
    assert_eq!(in_use.error_field(), Some("artifactId"));
    assert_eq!(
        in_use.error_message(),
        "tool.zip is version 1.0.0 of the package acme/tool: take it out of the package first, or remove the package"
    );
    let stranger = app.user("stranger").await;
    assert_eq!(
        stranger
            .graphql(remove, json!({ "o": "acme", "id": unused["id"] }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
    // Known ids of another organization are not found either.
    app.organization_with_token(&stranger, "elsewhere").await;
    assert_eq!(
        stranger
            .graphql(remove, json!({ "o": "elsewhere", "id": unused["id"] }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
    assert_eq!(
        owner
            .graphql(remove, json!({ "o": "acme", "id": "nope" }))
            .await
            .error_field(),
        Some("artifactId")
    );

    let unused_file = stored_file(&app, &owner, "acme", unused["sha1"].as_str().unwrap()).await;
    let used_file = stored_file(&app, &owner, "acme", used["sha1"].as_str().unwrap()).await;
    assert!(unused_file.exists());
    let removed = owner
        .graphql(remove, json!({ "o": "acme", "id": unused["id"] }))
        .await;
    assert_eq!(removed.data()["removeArtifact"], true);
    assert_eq!(artifacts_of(&owner, None, false).await["totalCount"], 1);
    // The file goes in a job of the organization.
    let newest = owner
        .graphql(
            "{ organization(urlName: \"acme\") { jobs(first: 1) { nodes { id kind } } } }",
            json!({}),
        )
        .await;
    let job = newest.data()["organization"]["jobs"]["nodes"][0].clone();
    assert_eq!(job["kind"], "delete_files");
    let finished = app.wait_for_job(&owner, &job["id"]).await;
    assert_eq!(finished["status"], "SUCCESS", "{finished}");
    assert!(!unused_file.exists(), "{finished}");
    assert!(used_file.exists());
    assert_eq!(
        owner
            .graphql(remove, json!({ "o": "acme", "id": unused["id"] }))
            .await
            .error_code(),
        "NOT_FOUND"
    );

    // The package's own archive still downloads; the removed one can come back.
    let dist = reqwest::Client::new()
        .get(format!(
            "{}/acme/dists/acme/tool/{}.zip",
            app.base_url,
            used["sha1"].as_str().unwrap()
        ))
        .basic_auth("token", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(dist.status(), 200);
    let back = upload(&owner, "acme", unused_bytes).await;
    assert!(back.get("errors").is_none(), "{back}");
    assert!(unused_file.exists());
}

/// Composer knows an archive by its SHA-1 (dist reference and shasum): bytes stored under
/// one are never swapped for others (as a deliberate collision would try), and a file
/// lost from storage comes back when the same archive is uploaded again.
async fn stored_bytes_are_never_replaced_by_others_under_their_sha1(app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let bytes = release("1.0.0");
    let first = upload(&owner, "acme", bytes.clone()).await["data"]["uploadArtifact"].clone();
    let file = stored_file(&app, &owner, "acme", first["sha1"].as_str().unwrap()).await;
    // Storage now holds other bytes than the ones this SHA-1 was computed from.
    std::fs::write(&file, b"other bytes").unwrap();
    let refused = upload(&owner, "acme", bytes.clone()).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "CONFLICT",
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["extensions"]["field"], "file");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"other bytes",
        "left as it was"
    );

    std::fs::remove_file(&file).unwrap();
    let again = upload(&owner, "acme", bytes.clone()).await;
    assert_eq!(
        again["data"]["uploadArtifact"]["id"], first["id"],
        "{again}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
}
