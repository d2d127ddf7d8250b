//! Deletes the files a removal left behind: a removed package's bare git mirror and the
//! dist archives built for it, and uploaded archives whose artifact rows are gone.
//!
//! The removal deletes rows and enqueues this job in one transaction; files go only
//! after that committed, and each deletion is idempotent, so a retried or repeated run
//! is harmless. Two things may have happened in between, and each keeps its files:
//! - SQLite hands a deleted row's id to the next insert when it was the highest, so a
//!   new package may own `mirrors/<id>.git` and `dists/<id>/` by now;
//! - the same zip may have been uploaded again (its file is keyed by its SHA-1).

use std::time::SystemTime;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::update_package::{dists_prefix, mirror_path};
use super::worker::JobContext;
use crate::db::schema::{artifacts, packages};
use crate::db_run;
use crate::domain::artifacts::blob_key;

pub async fn run(
    context: &JobContext,
    organization_id: i64,
    package_id: Option<i64>,
    artifact_sha1s: &[String],
) -> anyhow::Result<()> {
    if let Some(package_id) = package_id {
        delete_package_files(context, package_id).await?;
    }
    // Files written after the removal belong to a new upload of the same bytes, whose row
    // may not be committed yet.
    let removed_at = SystemTime::from(context.job.created_at.and_utc());
    for sha1 in artifact_sha1s {
        delete_artifact_file(context, organization_id, sha1, removed_at).await?;
    }
    Ok(())
}

async fn delete_package_files(context: &JobContext, package_id: i64) -> anyhow::Result<()> {
    let state = &context.state;
    let mirror = mirror_path(&state.config, package_id);
    // Named after the job, so that a retry finds what an interrupted attempt moved.
    let trash = mirror.with_file_name(format!(".removed-{package_id}-{}", context.job.id));
    let taken = state
        .db
        .transaction(async |conn| {
            // On SQLite this transaction holds the write lock, so no package can take the
            // id between this check and the moves below. PostgreSQL never reuses ids.
            let taken: i64 = db_run!(conn: {
                packages::table.find(package_id).count().get_result(conn).await?
            });
            if taken > 0 {
                return Ok(true);
            }
            // A rename is instant however large the mirror is; the lock is held that long.
            match tokio::fs::rename(&mirror, &trash).await {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(crate::error::Error::internal(error));
                }
                _ => {}
            }
            state.blobs.remove_prefix(&dists_prefix(package_id)).await?;
            Ok(false)
        })
        .await?;
    if taken {
        context
            .log(&format!(
                "package id {package_id} belongs to a new package now; its mirror and dist \
                 archives stay"
            ))
            .await?;
    } else {
        context
            .log(&format!(
                "deleted the mirror and dist archives of package {package_id}"
            ))
            .await?;
    }
    match tokio::fs::remove_dir_all(&trash).await {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
        _ => Ok(()),
    }
}

async fn delete_artifact_file(
    context: &JobContext,
    organization_id: i64,
    sha1: &str,
    removed_at: SystemTime,
) -> anyhow::Result<()> {
    let state = &context.state;
    let key = blob_key(organization_id, sha1);
    let deleted = state
        .db
        .transaction(async |conn| {
            let named: i64 = db_run!(conn: {
                artifacts::table
                    .filter(artifacts::organization_id.eq(organization_id))
                    .filter(artifacts::sha1.eq(sha1))
                    .count()
                    .get_result(conn)
                    .await?
            });
            let rewritten = state
                .blobs
                .modified(&key)
                .await?
                .is_some_and(|modified| modified >= removed_at);
            if named > 0 || rewritten {
                return Ok(false);
            }
            state.blobs.remove(&key).await?;
            Ok(true)
        })
        .await?;
    let line = if deleted {
        format!("deleted the uploaded archive {sha1}")
    } else {
        format!("kept the uploaded archive {sha1}: it was uploaded again")
    };
    context.log(&line).await?;
    Ok(())
}
