//! `removePackage` and `removeArtifact` delete rows at once and files in a
//! `delete_files` job: the package's git mirror, its dist archives and its uploaded
//! archives, but nothing another package (or a new upload) still needs.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::git::{GitRepo, library_manifest};
use crate::support::{Client, TestApp};

both_backends!(
    removing_a_package_deletes_its_mirror_and_dists_and_nothing_else,
    an_artifact_package_takes_its_archives_unless_they_were_uploaded_again,
    a_package_that_got_the_removed_ones_id_keeps_its_files,
    removing_a_suborganization_deletes_its_packages_files,
);

const CREATE: &str =
    "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }";
const REMOVE: &str = "mutation($n: String!) { removePackage(organization: \"acme\", name: $n) }";
const PACKAGE: &str = "query($n: String!) { organization(urlName: \"acme\") { package(name: $n) { id versions { nodes { version distReference } } } } }";

async fn add_vcs(app: &TestApp, owner: &Client, repo: &GitRepo) -> Value {
    let job_id = owner
        .graphql(CREATE, json!({ "u": repo.url() }))
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    app.wait_for_job(owner, &job_id).await
}

fn library(dir: &std::path::Path, name: &str) -> GitRepo {
    let repo = GitRepo::init(&dir.join(name.replace('/', "-")), "main");
    repo.commit(
        &[("composer.json", &library_manifest(name, "Acme\\Lib", &[]))],
        "one",
    );
    repo.tag("1.0.0");
    repo
}

async fn package_id(owner: &Client, name: &str) -> String {
    owner.graphql(PACKAGE, json!({ "n": name })).await.data()["organization"]["package"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The organization's newest job, which after a removal is its `delete_files` job.
async fn newest_job(owner: &Client) -> Value {
    owner
        .graphql(
            "{ organization(urlName: \"acme\") { jobs(first: 1) { nodes { id kind } } } }",
            json!({}),
        )
        .await
        .data()["organization"]["jobs"]["nodes"][0]
        .clone()
}

fn mirror(app: &TestApp, package_id: &str) -> PathBuf {
    app.state
        .config
        .data_dir
        .join(format!("mirrors/{package_id}.git"))
}

fn dists(app: &TestApp, package_id: &str) -> PathBuf {
    app.state.blobs.root().join(format!("dists/{package_id}"))
}

fn file_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| entries.count())
}

async fn removing_a_package_deletes_its_mirror_and_dists_and_nothing_else(app: TestApp) {
    let owner = app.user("owner").await;
    let token = app.organization_with_token(&owner, "acme").await;
    let dir = tempfile::tempdir().unwrap();
    let (lib, util) = (
        library(dir.path(), "acme/lib"),
        library(dir.path(), "acme/util"),
    );
    assert_eq!(add_vcs(&app, &owner, &lib).await["status"], "SUCCESS");
    assert_eq!(add_vcs(&app, &owner, &util).await["status"], "SUCCESS");
    let (lib_id, util_id) = (
        package_id(&owner, "acme/lib").await,
        package_id(&owner, "acme/util").await,
    );
    for id in [&lib_id, &util_id] {
        assert!(mirror(&app, id).join("objects").is_dir());
        // 1.0.0 and dev-main are one commit: one archive.
        assert_eq!(file_count(&dists(&app, id)), 1);
    }

    let removed = owner.graphql(REMOVE, json!({ "n": "acme/lib" })).await;
    assert_eq!(removed.data()["removePackage"], true);
    let job = newest_job(&owner).await;
    assert_eq!(job["kind"], "delete_files");
    let finished = app.wait_for_job(&owner, &job["id"]).await;
    assert_eq!(finished["status"], "SUCCESS", "{finished}");
    assert!(!mirror(&app, &lib_id).exists(), "{finished}");
    assert!(!dists(&app, &lib_id).exists(), "{finished}");
    // Nothing left behind by the move out of the way either.
    assert_eq!(
        file_count(&app.state.config.data_dir.join("mirrors")),
        1,
        "only acme/util's mirror"
    );

    // The other package is untouched: its mirror, its dist archive, its downloads.
    assert!(mirror(&app, &util_id).join("objects").is_dir());
    let versions = owner.graphql(PACKAGE, json!({ "n": "acme/util" })).await;
    let reference =
        versions.data()["organization"]["package"]["versions"]["nodes"][0]["distReference"]
            .as_str()
            .unwrap()
            .to_owned();
    let dist = reqwest::Client::new()
        .get(format!(
            "{}/acme/dists/acme/util/{reference}.zip",
            app.base_url
        ))
        .basic_auth("token", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(dist.status(), 200);
    // And acme/util reads its mirror again without trouble.
    let job_id = owner
        .graphql(
            "mutation { updatePackage(organization: \"acme\", name: \"acme/util\") { id } }",
            json!({}),
        )
        .await
        .data()["updatePackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
}

fn release(version: &str) -> Vec<u8> {
    let manifest = json!({ "name": "acme/tool", "version": version });
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file("composer.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(manifest.to_string().as_bytes()).unwrap();
    writer.finish().unwrap().into_inner()
}

async fn upload(client: &Client, bytes: Vec<u8>) -> Value {
    let operations = json!({
        "query": "mutation($f: Upload!) { uploadArtifact(organization: \"acme\", file: $f) { id sha1 } }",
        "variables": { "f": null },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes).file_name("tool.zip"),
        );
    let response: Value = client
        .http
        .post(format!("{}/graphql", client.base_url))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(response.get("errors").is_none(), "{response}");
    response["data"]["uploadArtifact"].clone()
}

async fn an_artifact_package_takes_its_archives_unless_they_were_uploaded_again(mut app: TestApp) {
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    let organization_id = owner
        .graphql("{ organization(urlName: \"acme\") { id } }", json!({}))
        .await
        .data()["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (old, kept, pending) = (release("1.0.0"), release("1.1.0"), release("1.2.0"));
    let old_artifact = upload(&owner, old).await;
    let kept_artifact = upload(&owner, kept.clone()).await;
    let pending_artifact = upload(&owner, pending.clone()).await;
    let all = [&old_artifact, &kept_artifact, &pending_artifact].map(|a| a["id"].clone());
    let job_id = owner
        .graphql(
            "mutation($ids: [ID!]!) { createArtifactPackage(organization: \"acme\", artifactIds: $ids) { id } }",
            json!({ "ids": all }),
        )
        .await
        .data()["createArtifactPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
    let key = |artifact: &Value| {
        format!(
            "artifacts/{organization_id}/{}.zip",
            artifact["sha1"].as_str().unwrap()
        )
    };
    let storage = app.state.blobs.root().to_owned();
    let file = |artifact: &Value| storage.join(key(artifact));
    for artifact in [&old_artifact, &kept_artifact, &pending_artifact] {
        assert!(file(artifact).exists());
    }

    // The job waits while the same 1.1.0 archive is uploaded again, and 1.2.0 is being
    // uploaded (stored, its row not yet written).
    app.stop_worker().await;
    owner
        .graphql(REMOVE, json!({ "n": "acme/tool" }))
        .await
        .data();
    let listed = "{ organization(urlName: \"acme\") { artifacts { totalCount } } }";
    assert_eq!(
        owner.graphql(listed, json!({})).await.data()["organization"]["artifacts"]["totalCount"],
        0,
        "the package's archives went with it"
    );
    let job = newest_job(&owner).await;
    let again = upload(&owner, kept).await;
    assert_ne!(again["id"], kept_artifact["id"], "a new artifact");
    app.state
        .blobs
        .put(&key(&pending_artifact), &pending)
        .await
        .unwrap();
    app.start_worker();
    let finished = app.wait_for_job(&owner, &job["id"]).await;
    assert_eq!(finished["status"], "SUCCESS", "{finished}");
    assert!(!file(&old_artifact).exists(), "{finished}");
    assert!(file(&again).exists(), "{finished}");
    assert!(file(&pending_artifact).exists(), "{finished}");
    let log = finished["log"].as_str().unwrap();
    for artifact in [&again, &pending_artifact] {
        let line = format!(
            "kept the uploaded archive {}",
            artifact["sha1"].as_str().unwrap()
        );
        assert!(log.contains(&line), "{finished}");
    }
    // The archive uploaded again makes a package as any other.
    let job_id = owner
        .graphql(
            "mutation($ids: [ID!]!) { createArtifactPackage(organization: \"acme\", artifactIds: $ids) { id } }",
            json!({ "ids": [again["id"]] }),
        )
        .await
        .data()["createArtifactPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
}

/// SQLite gives the highest id of a deleted row to the next insert: a package added
/// before the removal's job ran may own the removed package's mirror and dist paths.
async fn a_package_that_got_the_removed_ones_id_keeps_its_files(mut app: TestApp) {
    let sqlite = app.state.config.database_url.is_none();
    let owner = app.user("owner").await;
    let token = app.organization_with_token(&owner, "acme").await;
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        add_vcs(&app, &owner, &library(dir.path(), "acme/old")).await["status"],
        "SUCCESS"
    );
    let old_id = package_id(&owner, "acme/old").await;

    app.stop_worker().await;
    owner
        .graphql(REMOVE, json!({ "n": "acme/old" }))
        .await
        .data();
    let removal = newest_job(&owner).await;
    // The new package is read before the removal's job runs: the job is put off.
    let removal_id: i64 = removal["id"].as_str().unwrap().parse().unwrap();
    let later = packyard::db::now() + chrono::Duration::hours(1);
    set_run_at(&app, removal_id, later).await;
    let job_id = owner
        .graphql(
            CREATE,
            json!({ "u": library(dir.path(), "acme/new").url() }),
        )
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    app.start_worker();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
    set_run_at(&app, removal_id, packyard::db::now()).await;
    let finished = app.wait_for_job(&owner, &removal["id"]).await;
    assert_eq!(finished["status"], "SUCCESS", "{finished}");

    let new_id = package_id(&owner, "acme/new").await;
    if sqlite {
        assert_eq!(new_id, old_id, "the premise: SQLite reused the id");
        assert!(
            finished["log"]
                .as_str()
                .unwrap()
                .contains("belongs to a new package now"),
            "{finished}"
        );
    }
    assert!(mirror(&app, &new_id).join("objects").is_dir());
    let versions = owner.graphql(PACKAGE, json!({ "n": "acme/new" })).await;
    let reference =
        versions.data()["organization"]["package"]["versions"]["nodes"][0]["distReference"]
            .as_str()
            .unwrap()
            .to_owned();
    let dist = reqwest::Client::new()
        .get(format!(
            "{}/acme/dists/acme/new/{reference}.zip",
            app.base_url
        ))
        .basic_auth("token", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(dist.status(), 200);
}

async fn set_run_at(app: &TestApp, job_id: i64, at: chrono::NaiveDateTime) {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use packyard::db::schema::jobs;
    let mut conn = app.state.db.get().await.unwrap();
    packyard::db_run!(conn: {
        diesel::update(jobs::table.find(job_id))
            .set(jobs::run_at.eq(at))
            .execute(conn)
            .await
            .unwrap();
    });
}

async fn removing_a_suborganization_deletes_its_packages_files(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let owner = app.user("owner").await;
    app.organization_with_token(&owner, "acme").await;
    owner
        .graphql(
            "mutation { createSuborganization(organization: \"acme\", name: \"web\") { id } }",
            json!({}),
        )
        .await
        .data();
    let repo = library(dir.path(), "acme/site");
    let job_id = owner
        .graphql(
            "mutation($u: String!) { createVcsPackage(organization: \"acme\", suborganization: \"web\", url: $u) { id package { id } } }",
            json!({ "u": repo.url() }),
        )
        .await
        .data()["createVcsPackage"]
        .clone();
    assert_eq!(
        app.wait_for_job(&owner, &job_id["id"]).await["status"],
        "SUCCESS"
    );
    let id = job_id["package"]["id"].as_str().unwrap().to_owned();
    assert!(mirror(&app, &id).join("objects").is_dir());
    assert!(file_count(&dists(&app, &id)) > 0);

    owner
        .graphql(
            "mutation { removeSuborganization(organization: \"acme\", suborganization: \"web\") }",
            json!({}),
        )
        .await
        .data();
    // The files go in a job of the parent organization.
    let deletion = newest_job(&owner).await;
    assert_eq!(deletion["kind"], "delete_files", "{deletion}");
    let finished = app.wait_for_job(&owner, &deletion["id"]).await;
    assert_eq!(finished["status"], "SUCCESS", "{finished}");
    assert!(!mirror(&app, &id).exists(), "{finished}");
    assert_eq!(file_count(&dists(&app, &id)), 0);
}
