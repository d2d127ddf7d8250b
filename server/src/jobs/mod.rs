//! The job queue: every side effect of a write runs here, outside the request.
//!
//! Jobs are rows (`jobs` table) written in the same transaction as the change that asks
//! for them, claimed by workers (`FOR UPDATE SKIP LOCKED` on PostgreSQL; one process on
//! SQLite), retried with backoff, and taken over by another worker when the one running
//! them stops reporting. Progress goes out as [`events::JobEvent`]s.

pub mod delete_files;
pub mod deliver_webhook;
pub mod events;
pub mod purge_sessions;
pub mod queue;
pub mod sync_organization;
pub mod update_package;
pub mod worker;

use serde::{Deserialize, Serialize};

pub use events::{JobEvent, Jobs};

/// What a job does, with its parameters. The tag is stored as `jobs.kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobPayload {
    /// Deletes expired sessions and stale login throttles.
    PurgeExpiredSessions,
    /// Reads a package's source: versions, dist archives, Composer metadata.
    UpdatePackage { package_id: i64 },
    /// Deletes files a removal left unreferenced: a removed package's git mirror and
    /// built dist archives, and uploaded archives no artifact names any more.
    DeleteFiles {
        organization_id: i64,
        /// The removed package whose mirror and dists go.
        package_id: Option<i64>,
        /// Uploaded archives (by SHA-1, within the organization) whose rows were deleted.
        artifact_sha1s: Vec<String>,
    },
    /// Sends one stored outgoing webhook delivery.
    DeliverWebhook { delivery_id: i64 },
    /// Runs a synchronization with a code host: its repositories become packages.
    SyncOrganization { synchronization_id: i64 },
}

/// The kind of webhook deliveries, which the worker treats apart.
pub const DELIVER_WEBHOOK: &str = "deliver_webhook";

impl JobPayload {
    pub fn kind(&self) -> &'static str {
        match self {
            JobPayload::PurgeExpiredSessions => "purge_expired_sessions",
            JobPayload::UpdatePackage { .. } => "update_package",
            JobPayload::DeleteFiles { .. } => "delete_files",
            JobPayload::DeliverWebhook { .. } => DELIVER_WEBHOOK,
            JobPayload::SyncOrganization { .. } => "sync_organization",
        }
    }

    /// The package the job works on, stored with the job for permission checks.
    pub fn package_id(&self) -> Option<i64> {
        match self {
            JobPayload::PurgeExpiredSessions => None,
            JobPayload::UpdatePackage { package_id } => Some(*package_id),
            // Its package is gone: the job is the organization's housekeeping.
            JobPayload::DeleteFiles { .. } => None,
            JobPayload::DeliverWebhook { .. } | JobPayload::SyncOrganization { .. } => None,
        }
    }
}

/// A failure that another attempt cannot fix (no such repository, invalid composer.json,
/// a name clash): the job ends at once instead of being retried with backoff.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PermanentFailure(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    Running,
    Success,
    Error,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Success => "success",
            JobStatus::Error => "error",
        }
    }

    pub fn parse(stored: &str) -> Option<JobStatus> {
        Some(match stored {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "success" => JobStatus::Success,
            "error" => JobStatus::Error,
            _ => return None,
        })
    }

    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Success | JobStatus::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_kind_matches_its_serde_tag() {
        for payload in [
            JobPayload::PurgeExpiredSessions,
            JobPayload::UpdatePackage { package_id: 7 },
            JobPayload::DeleteFiles {
                organization_id: 1,
                package_id: Some(7),
                artifact_sha1s: vec!["a".repeat(40)],
            },
        ] {
            let json = serde_json::to_value(&payload).unwrap();
            assert_eq!(json["kind"], payload.kind());
            assert_eq!(serde_json::from_value::<JobPayload>(json).unwrap(), payload);
        }
    }
}
