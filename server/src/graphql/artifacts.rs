use std::io::Read;

use async_graphql::{Context, ID, Object, Result, Upload};
use chrono::{DateTime, Utc};

use super::jobs::JobView;
use super::packages::PackageView;
use super::{actor, parse_id, state};
use crate::db::rows;
use crate::domain::{artifacts, packages};
use crate::error::Error;

pub struct ArtifactView(pub rows::Artifact);

/// An uploaded zip archive: one version of an artifact package.
#[Object(name = "Artifact")]
impl ArtifactView {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// SHA-1 of the archive: its dist reference and shasum.
    async fn sha1(&self) -> &str {
        &self.0.sha1
    }

    /// Bytes.
    async fn size(&self) -> i64 {
        self.0.size
    }

    /// The package named in its composer.json.
    async fn package_name(&self) -> &str {
        &self.0.package_name
    }

    async fn version(&self) -> &str {
        &self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.and_utc()
    }

    /// The package this archive is a version of; null while unused.
    async fn package(&self, ctx: &Context<'_>) -> Result<Option<PackageView>> {
        let Some(package_id) = self.0.package_id else {
            return Ok(None);
        };
        let mut conn = state(ctx).db.get().await?;
        Ok(
            packages::find_by_id(&mut conn, self.0.organization_id, package_id)
                .await?
                .map(PackageView),
        )
    }
}

fn parse_ids(ids: &[ID]) -> Result<Vec<i64>, Error> {
    ids.iter().map(|id| parse_id("artifactIds", id)).collect()
}

#[derive(Default)]
pub struct ArtifactMutation;

#[Object]
impl ArtifactMutation {
    /// Uploads a zip archive (GraphQL multipart request) with composer.json, including
    /// `version`, at its top level. Use the returned id with `createArtifactPackage` or
    /// `addArtifactToPackage`. An archive the organization has already (the same bytes)
    /// is not stored twice: the existing artifact is returned.
    async fn upload_artifact(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        file: Upload,
    ) -> Result<ArtifactView> {
        let state = state(ctx);
        let upload = file
            .value(ctx)
            .map_err(|e| Error::invalid("file", format!("unreadable upload: {e}")))?;
        let limit = state.config.max_upload_bytes();
        let file_name = upload.filename.clone();
        let mut bytes = Vec::new();
        upload
            .into_read()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::invalid("file", format!("unreadable upload: {e}")))?;
        let artifact = artifacts::upload(
            &state.db,
            &state.blobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &file_name,
            &bytes,
            limit,
        )
        .await?;
        Ok(ArtifactView(artifact))
    }

    /// Makes a package of uploaded archives (all versions of one package name).
    async fn create_artifact_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        artifact_ids: Vec<ID>,
    ) -> Result<JobView> {
        let state = state(ctx);
        let ids = parse_ids(&artifact_ids)?;
        let job = artifacts::create_package(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &ids,
        )
        .await?;
        Ok(JobView(job))
    }

    /// Adds one uploaded archive to an artifact package.
    async fn add_artifact_to_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        name: String,
        artifact_id: ID,
    ) -> Result<JobView> {
        let state = state(ctx);
        let ids = vec![parse_id("artifactId", &artifact_id)?];
        let job = artifacts::set_package_artifacts(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &name,
            &ids,
            true,
        )
        .await?;
        Ok(JobView(job))
    }

    /// Replaces the archives of an artifact package with exactly these.
    async fn edit_artifact_package(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        name: String,
        artifact_ids: Vec<ID>,
    ) -> Result<JobView> {
        let state = state(ctx);
        let ids = parse_ids(&artifact_ids)?;
        let job = artifacts::set_package_artifacts(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            &name,
            &ids,
            false,
        )
        .await?;
        Ok(JobView(job))
    }

    /// Deletes an uploaded archive that no package uses (CONFLICT while one does), and
    /// its stored file.
    async fn remove_artifact(
        &self,
        ctx: &Context<'_>,
        organization: String,
        suborganization: Option<String>,
        artifact_id: ID,
    ) -> Result<bool> {
        let state = state(ctx);
        let id = parse_id("artifactId", &artifact_id)?;
        artifacts::remove(
            &state.db,
            &state.jobs,
            actor(ctx),
            &organization,
            suborganization.as_deref(),
            id,
        )
        .await?;
        Ok(true)
    }
}
