//! The update job keeps a package's git mirror compact: libgit2 adds a pack per fetch,
//! and past a threshold the job repacks the mirror with `git gc`.

use serde_json::json;

use crate::both_backends;
use crate::support::TestApp;
use crate::support::git::{GitRepo, library_manifest};

both_backends!(a_mirror_with_many_packs_is_repacked_by_the_next_update);

async fn a_mirror_with_many_packs_is_repacked_by_the_next_update(app: TestApp) {
    let owner = app.user("owner").await;
    owner
        .graphql(
            "mutation { createOrganization(name: \"acme\") { id } }",
            json!({}),
        )
        .await
        .data();
    let dir = tempfile::tempdir().unwrap();
    let repo = GitRepo::init(dir.path(), "main");
    repo.commit(
        &[("composer.json", &library_manifest("acme/busy", "B", &[]))],
        "one",
    );
    let job_id = owner
        .graphql(
            "mutation($u: String!) { createVcsPackage(organization: \"acme\", url: $u) { id } }",
            json!({ "u": repo.url() }),
        )
        .await
        .data()["createVcsPackage"]["id"]
        .clone();
    assert_eq!(app.wait_for_job(&owner, &job_id).await["status"], "SUCCESS");
    let package_id = owner
        .graphql(
            "{ organization(urlName: \"acme\") { package(name: \"acme/busy\") { id } } }",
            json!({}),
        )
        .await
        .data()["organization"]["package"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let packs = || {
        let dir = app
            .state
            .config
            .data_dir
            .join(format!("mirrors/{package_id}.git/objects/pack"));
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|entry| {
                entry
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".pack")
            })
            .count()
    };

    // One push and one update at a time, as webhooks would bring them.
    let mut repacked = None;
    for round in 1..=packyard::vcs::maintenance::MAX_PACKS + 1 {
        repo.commit(&[("CHANGELOG", &format!("round {round}\n"))], "change");
        let job_id = owner
            .graphql(
                "mutation { updatePackage(organization: \"acme\", name: \"acme/busy\") { id } }",
                json!({}),
            )
            .await
            .data()["updatePackage"]["id"]
            .clone();
        let job = app.wait_for_job(&owner, &job_id).await;
        assert_eq!(job["status"], "SUCCESS", "{job}");
        if job["log"]
            .as_str()
            .unwrap()
            .contains("repacked the git mirror")
        {
            repacked = Some((round, job));
            break;
        }
        assert_eq!(packs(), round + 1, "a pack per fetch: {job}");
    }
    let (round, job) = repacked.expect("the mirror was repacked");
    assert_eq!(round, packyard::vcs::maintenance::MAX_PACKS, "{job}");
    assert_eq!(packs(), 1, "{job}");
    // The repacked mirror still gives every version.
    let versions = owner
        .graphql("{ organization(urlName: \"acme\") { package(name: \"acme/busy\") { versions { nodes { version } } } } }", json!({}))
        .await;
    assert_eq!(
        versions.data()["organization"]["package"]["versions"]["nodes"],
        json!([{ "version": "dev-main" }])
    );
}
